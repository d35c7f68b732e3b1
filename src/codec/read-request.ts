// Decodes a remote-read request (protocols.md §4.2) with protobufjs: a cold path, one small
// message per read, so the reflection decoder is fast enough.

import { RequestError } from '../errors.js';
import type { Matcher, MatcherType, ReadHints, ReadQuery } from '../model.js';
import { promSchema } from './proto-schema.js';

export interface DecodedReadRequest {
  readonly queries: ReadQuery[];
  /** ReadRequest.ResponseType wire values as sent (0 SAMPLES, 1 STREAMED_XOR_CHUNKS); may be empty. */
  readonly acceptedResponseTypes: number[];
}

// LabelMatcher.Type by wire value; EQ (0) is usually absent on the wire and defaults in.
const MATCHER_TYPES: readonly MatcherType[] = ['EQ', 'NEQ', 'RE', 'NRE'];

interface RawMatcher {
  type: number;
  name: string;
  value: string;
}

interface RawHints {
  stepMs: number;
  func: string;
  startMs: number;
  endMs: number;
  grouping: string[];
  by: boolean;
  rangeMs: number;
}

interface RawQuery {
  startTimestampMs: number;
  endTimestampMs: number;
  matchers: RawMatcher[];
  hints: RawHints | null;
}

interface RawReadRequest {
  queries: RawQuery[];
  acceptedResponseTypes: number[];
}

function millis(value: number, what: string): number {
  // int64 arrives as a plain number (proto-schema turns Long off); beyond ±2^53 it is inexact.
  if (!Number.isSafeInteger(value)) {
    throw new RequestError(400, 'invalid_timestamp', `read request: ${what} ${value} is outside ±2^53`);
  }
  return value;
}

function toMatcher(m: RawMatcher, q: number): Matcher {
  const type = MATCHER_TYPES[m.type];
  if (type === undefined) {
    throw new RequestError(
      400,
      'invalid_matcher',
      `read request: query ${q} has unknown matcher type ${m.type}`,
    );
  }
  return { type, name: m.name, value: m.value };
}

function toHints(h: RawHints, q: number): ReadHints {
  return {
    stepMs: millis(h.stepMs, `query ${q} hints.step_ms`),
    func: h.func,
    startMs: millis(h.startMs, `query ${q} hints.start_ms`),
    endMs: millis(h.endMs, `query ${q} hints.end_ms`),
    grouping: h.grouping,
    by: h.by,
    rangeMs: millis(h.rangeMs, `query ${q} hints.range_ms`),
  };
}

/** Decodes an uncompressed ReadRequest. Throws RequestError(400) on bad input. */
export function decodeReadRequest(body: Buffer): DecodedReadRequest {
  const type = promSchema().ReadRequest;
  let raw: RawReadRequest;
  try {
    const message = type.decode(body);
    raw = type.toObject(message, {
      defaults: true,
      arrays: true,
      longs: Number,
      enums: Number,
    }) as RawReadRequest;
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    throw new RequestError(400, 'corrupt_protobuf', `corrupt protobuf in read request: ${why}`);
  }
  const queries = raw.queries.map((q, i): ReadQuery => {
    const query: ReadQuery = {
      startMs: millis(q.startTimestampMs, `query ${i} start_timestamp_ms`),
      endMs: millis(q.endTimestampMs, `query ${i} end_timestamp_ms`),
      matchers: q.matchers.map((m) => toMatcher(m, i)),
    };
    return q.hints === null ? query : { ...query, hints: toHints(q.hints, i) };
  });
  return { queries, acceptedResponseTypes: raw.acceptedResponseTypes };
}
