// The Graphite names of a series — one, or several with `continue` path templates — computed
// once per series (not per sample) and cached on the decoder's SeriesRef objects in a WeakMap
// owned by the adapter instance, plus the size checks that decide whether carbon can store them.

import type { SeriesRef } from '../../src/adapter.js';
import { legacyPath } from './legacy-path.js';
import { taggedName } from './tagged-name.js';
import type { TemplateRules } from './template-rules.js';
import { compareUtf8 } from '../../src/adapter.js';

/** carbon's canonical form of a name: tags sorted by `;tag=value` in code-point order. */
export function canonicalTagged(path: string): string {
  if (!path.includes(';')) return path;
  const [name, ...tags] = path.split(';');
  return [name, ...tags.sort(compareUtf8)].join(';');
}

export type NamingMode = 'path' | 'tags';

/** Twisted's LineOnlyReceiver drops the whole connection on a longer line (carbon 1.1.7). */
export const CARBON_MAX_LINE_BYTES = 16_384;
/** Room for " <value> <seconds>\n" after the path: 24-char shortest double, 12-digit seconds. */
export const LINE_TAIL_BYTES = 40;
/** A whisper file name is a path node + ".wsp"; file systems allow 255 bytes per name. */
export const WHISPER_MAX_NODE_BYTES = 251;

export interface SeriesName {
  readonly path: string;
  readonly bytes: Buffer;
  /** The name as carbon stores it and graphite-web returns it (tags sorted). */
  readonly canonical: string;
  /** Set when carbon cannot store this name; the series' samples are rejected with it. */
  readonly rejection?: 'path_too_long' | 'path_node_too_long';
}

/**
 * Every name is checked; when one cannot be stored the series gets only that rejected name
 * (a series is written under all its paths or under none, never partly).
 */
export function createSeriesNamer(options: {
  mode: NamingMode;
  prefix: string;
  /** Longest path the transport carries (plaintext line limit, pickle frame, UDP datagram). */
  maxPathBytes: number;
  /** `mode: path` templates; undefined or empty: the default naming only. */
  templates?: TemplateRules;
}): (series: SeriesRef) => readonly SeriesName[] {
  const cache = new WeakMap<SeriesRef, readonly SeriesName[]>();
  const maxPath = options.maxPathBytes;
  const templates = options.mode === 'path' && options.templates?.size ? options.templates : undefined;
  const pathsOf = (series: SeriesRef): string[] => {
    if (options.mode === 'tags') return [options.prefix + taggedName(series.labels)];
    if (templates === undefined) return [legacyPath(options.prefix, series.labels)];
    const { templated, useDefault } = templates.paths(series.labels);
    if (!useDefault) return [...templated];
    const legacy = legacyPath(options.prefix, series.labels);
    return templated.includes(legacy) ? [...templated] : [...templated, legacy];
  };
  const names = (series: SeriesRef): readonly SeriesName[] => {
    const out: SeriesName[] = [];
    for (const path of pathsOf(series)) {
      const n = check(path);
      if (n.rejection !== undefined) return [n];
      out.push(n);
    }
    return out;
  };
  const check = (path: string): SeriesName => {
    const bytes = Buffer.from(path, 'utf8');
    const canonical = canonicalTagged(path);
    if (bytes.length > maxPath) return { path, bytes, canonical, rejection: 'path_too_long' };
    // Tagged series are stored under a sha256 file name; only plain paths become file names.
    if (!path.includes(';')) {
      for (const node of path.split('.')) {
        if (Buffer.byteLength(node) > WHISPER_MAX_NODE_BYTES)
          return { path, bytes, canonical, rejection: 'path_node_too_long' };
      }
    }
    return { path, bytes, canonical };
  };
  return (series) => {
    let n = cache.get(series);
    if (n === undefined) cache.set(series, (n = names(series)));
    return n;
  };
}
