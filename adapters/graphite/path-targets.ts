// `mode: path` reads: a legacy path carries no label names for its values beyond position, so
// reads need the metric name (an equality, or a regex of literals) and fetch every depth of
// `name.*.*…`; the core then re-applies every matcher to the labels parsed back from the paths.

import { PermanentError, type Matcher } from '../../src/adapter.js';
import { escapeLegacy } from './legacy-path.js';
import { literalAlternatives } from './literal-regex.js';

/** A glob that matches the stored name: characters the target grammar or globbing treat specially become `?`. */
function globSafe(text: string): string {
  return text.replace(/[^A-Za-z0-9_:%-]/g, '?');
}

/** The prefix keeps its dots: they separate nodes, and `?` never matches across nodes. */
function prefixGlob(prefix: string): string {
  return prefix.replace(/[^A-Za-z0-9_:%.-]/g, '?');
}

export function pathTargets(matchers: readonly Matcher[], prefix: string, maxLabels: number): string[] {
  const heads = new Set<string>();
  const name = matchers.find((m) => m.name === '__name__' && (m.type === 'EQ' || m.type === 'RE'));
  if (name?.type === 'EQ' && name.value !== '')
    heads.add(prefixGlob(prefix) + globSafe(escapeLegacy(name.value)));
  else if (name?.type === 'RE') {
    const alts = literalAlternatives(name.value);
    if (alts !== undefined && alts.every((a) => a.literal !== '' || a.rest === '.+')) {
      for (const a of alts) {
        // A literal then `*` within the name node (escaping never adds a dot).
        const base = prefixGlob(prefix) + globSafe(escapeLegacy(a.literal));
        heads.add(a.rest === '' ? base : `${base}*`);
      }
    }
  }
  if (heads.size === 0) {
    throw new PermanentError(
      'GRAPHITE_READ_UNSUPPORTED',
      'Graphite path mode can only read with a __name__ matcher (equality, or a regex of literal alternatives)',
    );
  }
  const targets: string[] = [];
  for (const head of heads) for (let k = 0; k <= maxLabels; k++) targets.push(head + '.*.*'.repeat(k));
  return targets;
}
