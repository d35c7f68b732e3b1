// Writing: the batch becomes /api/put?details requests sent one after the other. With
// `details` OpenTSDB stores every good point of a request and lists the bad ones
// (protocols.md §8.3): those are counted as rejections with a reason, the rest is written.
// Idempotent: OpenTSDB keeps one value per metric + tags + timestamp, so a resent point
// overwrites itself with the same value.

import type { WriteBatch, WriteOutcome } from '../../src/adapter.js';
import { pointErrorReason, statusError } from './errors.js';
import type { HttpClient } from './http-client.js';
import { buildPutChunks, type ChunkLimits, type MappingCache } from './put-chunks.js';
import { createRejectionTally, type RejectionTally } from './rejections.js';
import type { MappingOptions } from './series-mapping.js';

export interface WriteContext {
  readonly http: HttpClient;
  readonly putPath: string;
  readonly mapping: MappingOptions;
  readonly cache: MappingCache;
  readonly limits: ChunkLimits;
}

interface DetailsAnswer {
  success?: unknown;
  failed?: unknown;
  errors?: { datapoint?: unknown; error?: unknown }[];
}

function parseDetails(body: string): DetailsAnswer | undefined {
  try {
    const parsed = JSON.parse(body) as unknown;
    if (parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed))
      return parsed as DetailsAnswer;
  } catch {
    /* not JSON */
  }
  return undefined;
}

/** Counts the points a `details` answer lists as failed; returns how many failed. */
function tallyPointErrors(details: DetailsAnswer, tally: RejectionTally): number {
  const errors = Array.isArray(details.errors) ? details.errors : [];
  for (const e of errors) {
    const error = typeof e.error === 'string' ? e.error : 'rejected';
    tally.add(pointErrorReason(error), 1, () => `${JSON.stringify(e.datapoint)}: ${error}`);
  }
  const failed = typeof details.failed === 'number' ? details.failed : errors.length;
  // A server that reports more failures than it lists: count the rest too, never lose them.
  if (failed > errors.length)
    tally.add('backend_rejected', failed - errors.length, () => 'unlisted failures');
  return Math.max(failed, errors.length);
}

export async function writeBatch(
  ctx: WriteContext,
  batch: WriteBatch,
  signal: AbortSignal,
): Promise<WriteOutcome> {
  const tally = createRejectionTally();
  const chunks = buildPutChunks(batch, ctx.mapping, ctx.cache, ctx.limits, tally);
  let written = 0;
  for (const chunk of chunks) {
    const answer = await ctx.http.postJson(ctx.putPath, chunk.body, signal, 'put');
    if (answer.status === 204) {
      written += chunk.points;
      continue;
    }
    const details = parseDetails(answer.body);
    const listsErrors =
      details !== undefined && (Array.isArray(details.errors) || typeof details.failed === 'number');
    if ((answer.status === 200 || answer.status === 400) && listsErrors) {
      const failed = Math.min(tallyPointErrors(details, tally), chunk.points);
      written += chunk.points - failed;
      continue;
    }
    if (answer.status >= 200 && answer.status < 300) {
      written += chunk.points;
      continue;
    }
    throw statusError(answer.status, answer.body, answer.retryAfter, 'put');
  }
  return { written, rejected: tally.list() };
}
