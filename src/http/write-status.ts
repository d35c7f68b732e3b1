// The one place where backend outcomes become the HTTP answer to a remote write
// (design.md §4, protocols.md §2.4). Prometheus retries 5xx forever and drops 4xx, so 4xx is
// used only when a retry can never succeed.

import type { BackendResult } from '../write/fan-out.js';
import type { WriteProtocol } from './content-type.js';
import { writtenCounts, writtenHeaders } from './write-v2-headers.js';

export interface HttpAnswer {
  readonly status: number;
  readonly body: string;
  readonly headers: Readonly<Record<string, string>>;
}

/**
 * The answer to a remote write from what each routed backend did. A 2.0 answer also carries the
 * written-count headers (write-v2-headers.ts), whatever the status.
 */
export function writeAnswer(results: readonly BackendResult[], protocol: WriteProtocol = '1.0'): HttpAnswer {
  const answer = statusOf(results);
  if (protocol === '1.0') return answer;
  return { ...answer, headers: { ...answer.headers, ...writtenHeaders(writtenCounts(results)) } };
}

function statusOf(results: readonly BackendResult[]): HttpAnswer {
  const retryable: string[] = [];
  const permanent: string[] = [];
  let retryAfterMs = 0;

  for (const { backend, result } of results) {
    switch (result.kind) {
      case 'written':
        // Stored, except the samples the backend can never hold: reported, not hidden.
        for (const r of result.outcome.rejected) {
          const what = r.kind === 'histogram' ? 'native histogram sample' : (r.kind ?? 'sample');
          permanent.push(`${backend}: ${r.count} ${what}(s) rejected (${r.reason}), e.g. ${r.example}`);
        }
        break;
      case 'shed':
        // Backpressure: 503 + Retry-After (429 would make a default Prometheus drop the batch).
        retryable.push(`${backend}: overloaded, in-flight budget full`);
        retryAfterMs = Math.max(retryAfterMs, result.retryAfterMs);
        break;
      case 'failed':
        if (result.error.class === 'retryable') {
          // Backend down or slow: nothing is lost, the sender retries from its WAL.
          retryable.push(`${backend}: ${result.error.message} (${result.error.code})`);
          retryAfterMs = Math.max(retryAfterMs, result.error.retryAfterMs ?? 1000);
        } else {
          permanent.push(`${backend}: ${result.error.message} (${result.error.code})`);
        }
        break;
    }
  }

  if (retryable.length > 0) {
    // Even when another backend refused some data for good, a retry can still deliver the rest;
    // the permanent part is listed too so the operator sees it.
    const seconds = Math.max(1, Math.ceil(retryAfterMs / 1000));
    return {
      status: 503,
      body: `retry later: ${[...retryable, ...permanent].join('; ')}\n`,
      headers: { 'Retry-After': String(seconds) },
    };
  }
  if (permanent.length > 0) {
    // The rest of the request is stored; the spec asks for 400 when part of it can never be.
    return { status: 400, body: `some samples were not stored: ${permanent.join('; ')}\n`, headers: {} };
  }
  return { status: 204, body: '', headers: {} };
}
