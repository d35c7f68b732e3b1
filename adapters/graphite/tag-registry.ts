// Tags mode: carbon tells graphite-web's tag DB about a series only when it creates the whisper
// file, and never again if graphite-web was down then (backends.md §3). So the adapter registers
// each series it has not registered yet itself, after its data is sent; a failure fails the
// write retryably (the resend is harmless).

import type { GraphiteWeb } from './graphite-web.js';

/** Registered names kept; past this the set starts over (re-registering is harmless). */
const MAX_REMEMBERED = 500_000;
/** Paths per registration request. */
const PER_REQUEST = 200;

export interface TagRegistry {
  register(paths: Iterable<string>, signal: AbortSignal): Promise<void>;
}

export function createTagRegistry(web: GraphiteWeb): TagRegistry {
  const registered = new Set<string>();
  return {
    async register(paths, signal) {
      const fresh = [...paths].filter((p) => !registered.has(p));
      for (let i = 0; i < fresh.length; i += PER_REQUEST) {
        const part = fresh.slice(i, i + PER_REQUEST);
        await web.tagSeries(part, signal);
        if (registered.size + part.length > MAX_REMEMBERED) registered.clear();
        for (const p of part) registered.add(p);
      }
    },
  };
}
