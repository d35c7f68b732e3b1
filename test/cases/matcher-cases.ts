// The remote-read matcher semantics as a case table (protocols.md §4.6, traps 13, 15, 16).
// Shared by the core's matcher tests and by every adapter's reader tests: an adapter writes
// MATCHER_SERIES, runs each case as a read and must return exactly `expect` (after the core
// re-applies the matchers, and ideally already from its own push-down).
//
// Conventions of the table: a missing label has the value ""; regexes are RE2, fully anchored
// (`^(?s:re)$`) with `.` matching newline. Values contain SQL, LIKE and regex metacharacters on
// purpose, so a pushed-down query that escapes badly returns the wrong series.

import { sortLabels, type Label, type Matcher, type MatcherType } from '../../src/model.js';

export interface MatcherSeries {
  readonly id: string;
  readonly labels: Label[];
}

export interface MatcherCase {
  readonly name: string;
  readonly matchers: Matcher[];
  /** Ids of MATCHER_SERIES that the matchers select, in table order. */
  readonly expect: string[];
}

function series(id: string, labels: Record<string, string>): MatcherSeries {
  return { id, labels: sortLabels(Object.entries(labels).map(([name, value]) => ({ name, value }))) };
}

export const MATCHER_SERIES: MatcherSeries[] = [
  series('up_api', { __name__: 'up', job: 'api', instance: 'host-1:9100' }),
  series('up_batch', { __name__: 'up', job: 'batch', instance: 'host-2:9100' }),
  series('up_nojob', { __name__: 'up', instance: 'host-3:9100' }),
  series('req_get', { __name__: 'http_requests_total', job: 'api', method: 'GET', code: '200' }),
  series('req_post', { __name__: 'http_requests_total', job: 'api', method: 'post', code: '500' }),
  // Anchoring: "a" must not match "ab"/"ba"; anchor_none has no `v` at all.
  series('anchor_a', { __name__: 'anchor', v: 'a' }),
  series('anchor_b', { __name__: 'anchor', v: 'b' }),
  series('anchor_ab', { __name__: 'anchor', v: 'ab' }),
  series('anchor_ba', { __name__: 'anchor', v: 'ba' }),
  series('anchor_none', { __name__: 'anchor' }),
  // Text classes: newline, non-ASCII, Greek, astral (two UTF-16 units per character), case, digits.
  series('text_newline', { __name__: 'text', v: 'line1\nline2' }),
  series('text_unicode', { __name__: 'text', v: 'Grüße, 世界' }),
  series('text_greek', { __name__: 'text', v: 'Ωμέγα' }),
  series('text_astral', { __name__: 'text', v: '😀🎉' }),
  series('text_upper', { __name__: 'text', v: 'HELLO' }),
  series('text_digits', { __name__: 'text', v: '12345' }),
  // SQL / LIKE / shell / regex metacharacters; each decoy is what a LIKE pattern would also hit.
  series('sql_quote', { __name__: 'sql', v: "it's" }),
  series('sql_dquote', { __name__: 'sql', v: 'say "hi"\tnow' }),
  series('sql_backslash', { __name__: 'sql', v: 'C:\\temp\\n' }),
  series('sql_percent', { __name__: 'sql', v: '100%' }),
  series('sql_percent_decoy', { __name__: 'sql', v: '100 percent' }),
  series('sql_underscore', { __name__: 'sql', v: 'a_b' }),
  series('sql_underscore_decoy', { __name__: 'sql', v: 'axb' }),
  series('sql_injection', { __name__: 'sql', v: "x'; DROP TABLE samples; --" }),
  series('sql_dollar', { __name__: 'sql', v: '$1 $$ ${a}' }),
  series('sql_regex_meta', { __name__: 'sql', v: 'a.b*c+(d)[e]{f}|g^h?' }),
  // UTF-8 label names whose byte order differs from UTF-16 order (trap 13): U+E000 sorts before 😀.
  series('utf8_names', { __name__: 'utf8_names', '\u{E000}': 'private', '😀': 'smile' }),
  // A series without a metric name: `__name__` is matched like any other label.
  series('no_name', { job: 'api', instance: 'nameless' }),
];

const ALL = MATCHER_SERIES.map((s) => s.id);
const ANCHOR = ['anchor_a', 'anchor_b', 'anchor_ab', 'anchor_ba', 'anchor_none'];
const SQL = ALL.filter((id) => id.startsWith('sql_'));

const eq = (name: string, value: string): Matcher => m('EQ', name, value);
const neq = (name: string, value: string): Matcher => m('NEQ', name, value);
const re = (name: string, value: string): Matcher => m('RE', name, value);
const nre = (name: string, value: string): Matcher => m('NRE', name, value);
function m(type: MatcherType, name: string, value: string): Matcher {
  return { type, name, value };
}
const without = (ids: string[], ...drop: string[]): string[] => ids.filter((id) => !drop.includes(id));

export const MATCHER_CASES: MatcherCase[] = [
  // ---- EQ ------------------------------------------------------------------------------------
  { name: 'EQ on __name__', matchers: [eq('__name__', 'up')], expect: ['up_api', 'up_batch', 'up_nojob'] },
  {
    name: 'EQ on a label spans metrics (incl. a series without __name__)',
    matchers: [eq('job', 'api')],
    expect: ['up_api', 'req_get', 'req_post', 'no_name'],
  },
  {
    name: 'EQ is case-sensitive',
    matchers: [eq('__name__', 'http_requests_total'), eq('method', 'get')],
    expect: [],
  },
  {
    name: 'EQ exact value',
    matchers: [eq('__name__', 'http_requests_total'), eq('method', 'GET')],
    expect: ['req_get'],
  },
  {
    name: 'EQ "" selects series without the label',
    matchers: [eq('__name__', 'up'), eq('job', '')],
    expect: ['up_nojob'],
  },
  {
    name: 'EQ "" on a label no series has selects all',
    matchers: [eq('__name__', 'anchor'), eq('nothere', '')],
    expect: ANCHOR,
  },
  { name: 'EQ with a value on a label no series has', matchers: [eq('nothere', 'x')], expect: [] },
  {
    name: 'EQ __name__="" selects series without a name',
    matchers: [eq('__name__', '')],
    expect: ['no_name'],
  },
  {
    name: 'EQ value with regex metacharacters is literal',
    matchers: [eq('v', 'a.b*c+(d)[e]{f}|g^h?')],
    expect: ['sql_regex_meta'],
  },
  {
    name: 'EQ is not a prefix match',
    matchers: [eq('__name__', 'anchor'), eq('v', 'a')],
    expect: ['anchor_a'],
  },

  // ---- NEQ -----------------------------------------------------------------------------------
  {
    name: 'NEQ keeps absent and other values',
    matchers: [eq('__name__', 'up'), neq('job', 'api')],
    expect: ['up_batch', 'up_nojob'],
  },
  {
    name: 'NEQ "" requires presence',
    matchers: [eq('__name__', 'up'), neq('job', '')],
    expect: ['up_api', 'up_batch'],
  },
  {
    name: 'NEQ "" on a label no series has selects none',
    matchers: [eq('__name__', 'anchor'), neq('nothere', '')],
    expect: [],
  },
  {
    name: 'NEQ with a value on a label no series has selects all',
    matchers: [eq('__name__', 'anchor'), neq('nothere', 'x')],
    expect: ANCHOR,
  },
  {
    name: 'NEQ on __name__',
    matchers: [neq('__name__', 'up'), eq('job', 'api')],
    expect: ['req_get', 'req_post', 'no_name'],
  },
  {
    name: 'NEQ __name__="" requires a name',
    matchers: [neq('__name__', ''), eq('job', 'api')],
    expect: ['up_api', 'req_get', 'req_post'],
  },
  {
    name: 'NEQ with a quote in the value',
    matchers: [eq('__name__', 'sql'), neq('v', "it's")],
    expect: without(SQL, 'sql_quote'),
  },

  // ---- RE: anchoring -------------------------------------------------------------------------
  {
    name: 'RE is anchored: a does not match ab or ba',
    matchers: [eq('__name__', 'anchor'), re('v', 'a')],
    expect: ['anchor_a'],
  },
  {
    name: 'RE alternation is anchored as a whole',
    matchers: [eq('__name__', 'anchor'), re('v', 'a|b')],
    expect: ['anchor_a', 'anchor_b'],
  },
  {
    name: 'RE alternation b|a.* does not become ^b|a.*$',
    matchers: [eq('__name__', 'anchor'), re('v', 'b|a.*')],
    expect: ['anchor_a', 'anchor_b', 'anchor_ab'],
  },
  {
    name: 'RE prefix',
    matchers: [eq('__name__', 'anchor'), re('v', 'a.*')],
    expect: ['anchor_a', 'anchor_ab'],
  },
  {
    name: 'RE suffix',
    matchers: [eq('__name__', 'anchor'), re('v', '.*a')],
    expect: ['anchor_a', 'anchor_ba'],
  },
  {
    name: 'RE explicit anchors are harmless',
    matchers: [eq('__name__', 'anchor'), re('v', '^a$')],
    expect: ['anchor_a'],
  },
  { name: 'RE \\z', matchers: [eq('__name__', 'anchor'), re('v', 'a\\z')], expect: ['anchor_a'] },
  { name: 'RE .* matches absent', matchers: [eq('__name__', 'anchor'), re('v', '.*')], expect: ANCHOR },
  {
    name: 'RE .+ requires presence',
    matchers: [eq('__name__', 'anchor'), re('v', '.+')],
    expect: without(ANCHOR, 'anchor_none'),
  },
  {
    name: 'RE "" matches only absent',
    matchers: [eq('__name__', 'anchor'), re('v', '')],
    expect: ['anchor_none'],
  },
  {
    name: 'RE that matches "" also matches absent',
    matchers: [eq('__name__', 'anchor'), re('v', 'a?')],
    expect: ['anchor_a', 'anchor_none'],
  },
  {
    name: 'RE repetition of a group',
    matchers: [eq('__name__', 'anchor'), re('v', '(a|b)+')],
    expect: without(ANCHOR, 'anchor_none'),
  },
  {
    name: 'RE on a label no series has, not matching ""',
    matchers: [eq('__name__', 'anchor'), re('nothere', 'x.*')],
    expect: [],
  },
  {
    name: 'RE on a label no series has, matching ""',
    matchers: [eq('__name__', 'anchor'), re('nothere', 'x|')],
    expect: ANCHOR,
  },

  // ---- RE: RE2 syntax and flags --------------------------------------------------------------
  {
    name: 'RE dot matches newline',
    matchers: [eq('__name__', 'text'), re('v', 'line1.line2')],
    expect: ['text_newline'],
  },
  {
    name: 'RE .* spans a newline',
    matchers: [eq('__name__', 'text'), re('v', 'line1.*')],
    expect: ['text_newline'],
  },
  {
    name: 'RE is case-sensitive by default',
    matchers: [eq('__name__', 'text'), re('v', 'hello')],
    expect: [],
  },
  {
    name: 'RE (?i) case-insensitive',
    matchers: [eq('__name__', 'text'), re('v', '(?i)hello')],
    expect: ['text_upper'],
  },
  {
    name: 'RE \\p{Greek} unicode class',
    matchers: [eq('__name__', 'text'), re('v', '\\p{Greek}+')],
    expect: ['text_greek'],
  },
  {
    name: 'RE \\pL letters of any script',
    matchers: [eq('__name__', 'text'), re('v', '\\pL+')],
    expect: ['text_greek', 'text_upper'],
  },
  {
    name: 'RE [[:alpha:]] is ASCII only',
    matchers: [eq('__name__', 'text'), re('v', '[[:alpha:]]+')],
    expect: ['text_upper'],
  },
  {
    name: 'RE [[:digit:]]',
    matchers: [eq('__name__', 'text'), re('v', '[[:digit:]]+')],
    expect: ['text_digits'],
  },
  { name: 'RE \\d', matchers: [eq('__name__', 'text'), re('v', '\\d{5}')], expect: ['text_digits'] },
  {
    name: 'RE dot is one code point, also for astral characters',
    matchers: [eq('__name__', 'text'), re('v', '..')],
    expect: ['text_astral'],
  },
  { name: 'RE astral literal', matchers: [eq('__name__', 'text'), re('v', '😀.')], expect: ['text_astral'] },
  {
    name: 'RE \\x{...} escape',
    matchers: [eq('__name__', 'text'), re('v', '\\x{1F600}.*')],
    expect: ['text_astral'],
  },
  {
    name: 'RE non-ASCII literal',
    matchers: [eq('__name__', 'text'), re('v', 'Grüße.*')],
    expect: ['text_unicode'],
  },
  {
    name: 'RE \\Q...\\E quotes metacharacters',
    matchers: [re('v', '\\Qa.b*c+(d)[e]{f}|g^h?\\E')],
    expect: ['sql_regex_meta'],
  },
  {
    name: 'RE escaped metacharacters',
    matchers: [re('v', 'a\\.b\\*c\\+\\(d\\)\\[e\\]\\{f\\}\\|g\\^h\\?')],
    expect: ['sql_regex_meta'],
  },

  // ---- special characters in values (EQ and RE) ----------------------------------------------
  { name: 'EQ single quote', matchers: [eq('v', "it's")], expect: ['sql_quote'] },
  { name: 'EQ double quote and tab', matchers: [eq('v', 'say "hi"\tnow')], expect: ['sql_dquote'] },
  { name: 'EQ backslashes', matchers: [eq('v', 'C:\\temp\\n')], expect: ['sql_backslash'] },
  { name: 'EQ percent is not a LIKE wildcard', matchers: [eq('v', '100%')], expect: ['sql_percent'] },
  { name: 'EQ underscore is not a LIKE wildcard', matchers: [eq('v', 'a_b')], expect: ['sql_underscore'] },
  {
    name: 'EQ SQL injection attempt',
    matchers: [eq('v', "x'; DROP TABLE samples; --")],
    expect: ['sql_injection'],
  },
  { name: 'EQ dollar signs', matchers: [eq('v', '$1 $$ ${a}')], expect: ['sql_dollar'] },
  { name: 'EQ newline', matchers: [eq('v', 'line1\nline2')], expect: ['text_newline'] },
  { name: 'EQ unicode', matchers: [eq('v', 'Grüße, 世界')], expect: ['text_unicode'] },
  { name: 'EQ astral', matchers: [eq('v', '😀🎉')], expect: ['text_astral'] },
  { name: 'RE percent is literal', matchers: [re('v', '100%')], expect: ['sql_percent'] },
  { name: 'RE underscore is literal', matchers: [re('v', 'a_b')], expect: ['sql_underscore'] },
  {
    name: 'RE containing a single quote',
    matchers: [eq('__name__', 'sql'), re('v', ".*'.*")],
    expect: ['sql_quote', 'sql_injection'],
  },
  { name: 'RE literal backslash', matchers: [re('v', '.*\\\\.*')], expect: ['sql_backslash'] },
  { name: 'RE escaped dollar', matchers: [re('v', '\\$1.*')], expect: ['sql_dollar'] },
  { name: 'RE comment marker', matchers: [re('v', '.*--')], expect: ['sql_injection'] },

  // ---- NRE -----------------------------------------------------------------------------------
  {
    name: 'NRE is anchored',
    matchers: [eq('__name__', 'anchor'), nre('v', 'a')],
    expect: without(ANCHOR, 'anchor_a'),
  },
  {
    name: 'NRE alternation is anchored as a whole',
    matchers: [eq('__name__', 'anchor'), nre('v', 'a|b')],
    expect: ['anchor_ab', 'anchor_ba', 'anchor_none'],
  },
  { name: 'NRE .* selects none', matchers: [eq('__name__', 'anchor'), nre('v', '.*')], expect: [] },
  {
    name: 'NRE .+ selects absent',
    matchers: [eq('__name__', 'anchor'), nre('v', '.+')],
    expect: ['anchor_none'],
  },
  {
    name: 'NRE "" requires presence',
    matchers: [eq('__name__', 'anchor'), nre('v', '')],
    expect: without(ANCHOR, 'anchor_none'),
  },
  {
    name: 'NRE on a label no series has selects all',
    matchers: [eq('__name__', 'anchor'), nre('nothere', 'x')],
    expect: ANCHOR,
  },
  {
    name: 'NRE on a label no series has, regex matching "", selects none',
    matchers: [eq('__name__', 'anchor'), nre('nothere', 'x?')],
    expect: [],
  },
  {
    name: 'NRE with (?i) and alternation',
    matchers: [eq('__name__', 'text'), nre('v', '(?i)hello|\\d+')],
    expect: ['text_newline', 'text_unicode', 'text_greek', 'text_astral'],
  },
  {
    name: 'NRE dot matches newline',
    matchers: [eq('__name__', 'text'), nre('v', 'line1.line2')],
    expect: ['text_unicode', 'text_greek', 'text_astral', 'text_upper', 'text_digits'],
  },

  // ---- several matchers ----------------------------------------------------------------------
  {
    name: 'three matchers ANDed',
    matchers: [eq('__name__', 'http_requests_total'), eq('job', 'api'), re('method', 'GET|POST')],
    expect: ['req_get'],
  },
  {
    name: '(?i) alternation within an AND',
    matchers: [eq('__name__', 'http_requests_total'), re('method', '(?i)get|post')],
    expect: ['req_get', 'req_post'],
  },
  {
    name: 'two matchers on the same name: RE and NEQ',
    matchers: [eq('__name__', 'anchor'), re('v', 'a.*'), neq('v', 'a')],
    expect: ['anchor_ab'],
  },
  {
    name: 'two regexes on the same name',
    matchers: [eq('__name__', 'anchor'), re('v', '.*a'), re('v', 'b.*')],
    expect: ['anchor_ba'],
  },
  { name: 'two contradicting EQ on the same name', matchers: [eq('v', 'a'), eq('v', 'b')], expect: [] },
  {
    name: 'NRE on a label some series lack, in an AND',
    matchers: [re('__name__', 'up|http_requests_total'), eq('job', 'api'), nre('code', '5..')],
    expect: ['up_api', 'req_get'],
  },

  // ---- __name__ with all four types ----------------------------------------------------------
  {
    name: '__name__ RE alternation',
    matchers: [re('__name__', 'up|anchor')],
    expect: ['up_api', 'up_batch', 'up_nojob', ...ANCHOR],
  },
  { name: '__name__ RE prefix', matchers: [re('__name__', 'http_.*')], expect: ['req_get', 'req_post'] },
  { name: '__name__ RE is anchored', matchers: [re('__name__', 'http')], expect: [] },
  {
    name: '__name__ RE (?i)',
    matchers: [re('__name__', '(?i)UP')],
    expect: ['up_api', 'up_batch', 'up_nojob'],
  },
  {
    name: '__name__ NRE',
    matchers: [nre('__name__', 'up|anchor|text|sql|http_requests_total')],
    expect: ['utf8_names', 'no_name'],
  },
  { name: '__name__ NRE .+ selects nameless series', matchers: [nre('__name__', '.+')], expect: ['no_name'] },
  {
    name: '__name__ RE .* with another matcher',
    matchers: [re('__name__', '.*'), eq('job', 'api')],
    expect: ['up_api', 'req_get', 'req_post', 'no_name'],
  },

  // ---- UTF-8 label names ---------------------------------------------------------------------
  { name: 'EQ on an astral label name', matchers: [eq('😀', 'smile')], expect: ['utf8_names'] },
  { name: 'RE on a private-use label name', matchers: [re('\u{E000}', 'priv.*')], expect: ['utf8_names'] },

  // ---- matchers that all match "" mean "all series" (remote read does not reject them) -------
  { name: 'no matchers at all', matchers: [], expect: ALL },
  { name: 'only EQ "" on an absent label', matchers: [eq('nothere', '')], expect: ALL },
  { name: 'only __name__=~".*"', matchers: [re('__name__', '.*')], expect: ALL },
  {
    name: 'only matchers that match ""',
    matchers: [re('job', '.*'), nre('nothere', '.+'), neq('x', 'y')],
    expect: ALL,
  },
];
