// `mode: path` templates as case tables, through the config surface (parseOptions + validate):
// rule matching (exact, RE2, fully anchored), continue, the byte-for-byte fallback, escaping
// inside templates, absent labels, start-up validation messages and the read-side guard.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError, makeSeriesRef, parseOptions, sortLabels } from '../../src/adapter.js';
import { makeBatch } from '../../test/contract/adapter-contract.js';
import { encodeBatch } from './encode-batch.js';
import { graphiteAdapterKind } from './index.js';
import { legacyPath } from './legacy-path.js';
import { labelsOf } from './read.js';
import { createSeriesNamer } from './series-naming.js';
import { compileTemplateRules } from './template-rules.js';

type Raw = Record<string, unknown>;

function config(raw: Raw) {
  const o = parseOptions(graphiteAdapterKind.options, { address: '127.0.0.1:2003', ...raw }, 'backends[0]');
  graphiteAdapterKind.validate?.(o, 'backends[0]');
  return o;
}

function rulesOf(raw: Raw) {
  const o = config(raw);
  return compileTemplateRules(o.templates, o.template_vars, o.prefix, 'backends[0]');
}

const labels = (o: Record<string, string>) =>
  sortLabels(Object.entries(o).map(([name, value]) => ({ name, value })));

/** The paths a series is written under, as the adapter computes them. */
function pathsOf(raw: Raw, set: Record<string, string>): string[] {
  const o = config(raw);
  const namer = createSeriesNamer({
    mode: o.mode,
    prefix: o.prefix,
    maxPathBytes: 16_000,
    templates: compileTemplateRules(o.templates, o.template_vars, o.prefix, 'backends[0]'),
  });
  return namer(makeSeriesRef(labels(set))).map((n) => n.path);
}

const RULES: Raw = {
  prefix: 'prom.',
  template_vars: { env: 'prod', dc: 'eu.par' },
  templates: [
    { match: { job: 'api' }, template: 'apps.{{var.env}}.{{labels.job}}.{{name}}.{{labels.instance}}' },
    { match_re: { job: 'node|db' }, template: 'infra.{{var.dc}}.{{labels.job}}.{{name}}' },
    { match_re: { __name__: 'http_.*' }, template: 'http.{{labels.code}}.{{name}}', continue: true },
    { match: { __name__: 'http_requests_total', team: 'web' }, template: 'teams.web.{{name}}' },
    { match_re: { __name__: '(?i)UPTIME' }, template: '{{prefix}}uptime.{{labels.host}}' },
  ],
};

const CASES: ReadonlyArray<[string, Record<string, string>, string[]]> = [
  ['exact match', { __name__: 'up', job: 'api', instance: 'h1:9090' }, ['apps.prod.api.up.h1:9090']],
  [
    'exact match is exact (no substring)',
    { __name__: 'up', job: 'api2', instance: 'h1' },
    ['prom.up.instance.h1.job.api2'],
  ],
  ['regex alternation, fully anchored', { __name__: 'load', job: 'db' }, ['infra.eu.par.db.load']],
  [
    'anchoring: "node|db" does not match "nodes"',
    { __name__: 'load', job: 'nodes' },
    ['prom.load.job.nodes'],
  ],
  ['RE2 flags: (?i)', { __name__: 'uptime', host: 'a' }, ['prom.uptime.a']],
  [
    'continue: the next matching rule adds its path and stops',
    { __name__: 'http_requests_total', code: '200', team: 'web' },
    ['http.200.http_requests_total', 'teams.web.http_requests_total'],
  ],
  [
    'continue without a stopping rule: the default path too',
    { __name__: 'http_requests_total', code: '500', team: 'db' },
    ['http.500.http_requests_total', 'prom.http_requests_total.code.500.team.db'],
  ],
  [
    'a template label the series lacks: the rule does not match',
    { __name__: 'http_errors', team: 'web' },
    ['prom.http_errors.team.web'],
  ],
  [
    'an empty label value counts as absent',
    { __name__: 'up', job: 'api', instance: '' },
    // The fallback is the legacy naming, byte for byte, even for a label set Prometheus never
    // sends (an empty value).
    ['prom.up.instance..job.api'],
  ],
  ['no rule matches: default path', { __name__: 'up', job: 'other' }, ['prom.up.job.other']],
  [
    'escaping: a value cannot add nodes, globs or tags',
    { __name__: 'up', job: 'api', instance: 'a.b*c?[d];e f/g' },
    ['apps.prod.api.up.a%2Eb%2Ac%3F%5Bd%5D%3Be%20f%2Fg'],
  ],
  [
    'escaping: the legacy backslashes and UTF-8 bytes',
    { __name__: 'up', job: 'api', instance: `f(x),'é'\n` },
    ["apps.prod.api.up.f\\(x\\)\\,\\'%C3%A9\\'%A"],
  ],
];

describe('graphite path templates', () => {
  for (const [what, set, want] of CASES) it(what, () => assert.deepEqual(pathsOf(RULES, set), want));

  it('unmatched series keep the default path byte for byte', () => {
    const hostile = ['a.b', '100%', "it's", 'x y', '*?[]', ';', '\0', 'é😀', `(){},'"\\`];
    for (const [i, v] of hostile.entries()) {
      const set = { __name__: `m${i}`, job: 'other', v };
      assert.deepEqual(pathsOf(RULES, set), [legacyPath('prom.', labels(set))], JSON.stringify(v));
    }
  });

  it('writes a sample once per path but counts it written once', () => {
    const o = config(RULES);
    const rules = compileTemplateRules(o.templates, o.template_vars, o.prefix, 'b');
    const name = createSeriesNamer({
      mode: 'path',
      prefix: o.prefix,
      maxPathBytes: 16_000,
      templates: rules,
    });
    const batch = makeBatch([
      {
        labels: { __name__: 'http_requests_total', code: '200', team: 'web' },
        samples: [[1_700_000_000_000, 4607182418800017408n]],
      },
    ]);
    const out = encodeBatch(batch, { format: 'plaintext', maxChunkBytes: 65_536, name });
    assert.equal(out.written, 1);
    assert.equal(
      Buffer.concat(out.chunks).toString(),
      'http.200.http_requests_total 1 1700000000\nteams.web.http_requests_total 1 1700000000\n',
    );
  });

  it('rejects the whole series when one of its paths cannot be stored', () => {
    const raw = { templates: [{ match: { job: 'x' }, template: 'ok.{{name}}', continue: true }] };
    const o = config(raw);
    const rules = compileTemplateRules(o.templates, o.template_vars, o.prefix, 'b');
    const name = createSeriesNamer({ mode: 'path', prefix: '', maxPathBytes: 16_000, templates: rules });
    // The default path carries a 300-byte node (too long for a whisper file name).
    const batch = makeBatch([
      { labels: { __name__: 'm', job: 'x', v: 'y'.repeat(300) }, samples: [[1_700_000_000_000, 0n]] },
    ]);
    const out = encodeBatch(batch, { format: 'plaintext', maxChunkBytes: 65_536, name });
    assert.equal(out.written, 0);
    assert.equal(out.chunks.length, 0);
    assert.equal(out.rejected[0]!.reason, 'path_node_too_long');
  });

  const BAD: ReadonlyArray<[Raw, RegExp]> = [
    [{ templates: {} }, /^backends\[0\]\.templates: expected a list of rules/],
    [{ templates: ['x'] }, /^backends\[0\]\.templates\[0\]: expected a mapping with template/],
    [
      { templates: [{ match: { job: 'a' } }] },
      /^backends\[0\]\.templates\[0\]\.template: required key is missing/,
    ],
    [
      { templates: [{ template: '' }] },
      /^backends\[0\]\.templates\[0\]\.template: expected a non-empty template/,
    ],
    [
      { templates: [{ template: 'a' }, { template: 'a' }, { match_re: { job: 'a(' }, template: 'x' }] },
      /^backends\[0\]\.templates\[2\]\.match_re\.job: expected an RE2 regular expression, found "a\("/,
    ],
    [
      { templates: [{ match_re: { job: 'a(?=b)' }, template: 'x' }] },
      /^backends\[0\]\.templates\[0\]\.match_re\.job: expected an RE2 regular expression/,
    ],
    [
      { templates: [{ match: { job: 5 }, template: 'x' }] },
      /^backends\[0\]\.templates\[0\]\.match\.job: expected a string/,
    ],
    [
      { templates: [{ match: { 'a-b': 'x' }, template: 'x' }] },
      /^backends\[0\]\.templates\[0\]\.match\.a-b: expected a label name/,
    ],
    [
      { templates: [{ template: 'x', contine: true }] },
      /^backends\[0\]\.templates\[0\]\.contine: unknown key/,
    ],
    [
      { templates: [{ template: 'x', continue: 'yes' }] },
      /^backends\[0\]\.templates\[0\]\.continue: expected true or false/,
    ],
    [
      { templates: [{ template: 'a.{{labels}}' }] },
      /^backends\[0\]\.templates\[0\]\.template: unknown placeholder "\{\{labels\}\}" \(known: /,
    ],
    [
      { templates: [{ template: 'a.{{job}}' }] },
      /templates\[0\]\.template: unknown placeholder "\{\{job\}\}"/,
    ],
    [{ templates: [{ template: 'a.{{name' }] }, /templates\[0\]\.template: expected "\}\}" closing/],
    [
      { templates: [{ template: 'a b.{{name}}' }] },
      /templates\[0\]\.template: expected template text of .* found " "/,
    ],
    [
      { templates: [{ template: 'a.*.{{name}}' }] },
      /templates\[0\]\.template: expected template text .* found "\*"/,
    ],
    [
      { templates: [{ template: 'a..{{name}}' }] },
      /templates\[0\]\.template: expected a template whose path nodes are never empty/,
    ],
    [
      { templates: [{ template: '{{name}}.' }] },
      /templates\[0\]\.template: expected a template whose path nodes/,
    ],
    [
      { prefix: 'p.', templates: [{ template: '{{prefix}}.{{name}}' }] },
      /templates\[0\]\.template: expected a template whose path nodes are never empty, found .* \(renders as "p\.\.x"\)/,
    ],
    [
      { template_vars: { env: 'prod' }, templates: [{ template: '{{var.dc}}.{{name}}' }] },
      /^backends\[0\]\.templates\[0\]\.template: unknown variable "dc" .*\(template_vars has: env\)/,
    ],
    [
      { template_vars: { env: 'a b' } },
      /^backends\[0\]\.template_vars\.env: expected a non-empty string of letters/,
    ],
    [{ template_vars: { env: '' } }, /^backends\[0\]\.template_vars\.env: expected a non-empty string/],
    [{ template_vars: ['x'] }, /^backends\[0\]\.template_vars: expected a mapping/],
    [
      { mode: 'tags', templates: [{ template: 'x' }] },
      /^backends\[0\]\.templates: expected no templates with mode: tags/,
    ],
  ];
  for (const [raw, message] of BAD) {
    it(`refuses at start-up ${JSON.stringify(raw)}`, () => {
      assert.throws(
        () => config(raw),
        (err) => err instanceof ConfigError && message.test(err.message),
      );
    });
  }

  it('accepts a rule without matchers (catch-all) and spaces inside braces', () => {
    assert.deepEqual(pathsOf({ templates: [{ template: 'all.{{ name }}' }] }, { __name__: 'up', a: 'b' }), [
      'all.up',
    ]);
  });

  describe('reads never mistake a templated path for a legacy one', () => {
    const raw: Raw = {
      templates: [
        { match: { job: 'api' }, template: '{{name}}.{{labels.job}}.{{labels.instance}}' },
        { match_re: { dc: 'eu-.*' }, template: '{{name}}.dc.{{labels.dc}}' },
        { match: { job: 'two' }, template: '{{name}}.x.{{labels.a}}-{{labels.b}}' },
      ],
    };
    const ctx = () => ({ mode: 'path' as const, prefix: '', templates: rulesOf(raw) });
    const READS: ReadonlyArray<[string, string, Record<string, string> | undefined]> = [
      // Written by rule 0 for up{job="api",instance="h1"}: as a legacy path it would read as
      // up{api="h1"}.
      ['templated path that parses as legacy', 'up.api.h1', undefined],
      ['templated path with an escaped value', 'up.api.a%2Eb', undefined],
      ['rule 1: dc value matches the regex', 'up.dc.eu-west', undefined],
      // Rule 1 writes `up.dc.<dc>` only for dc=~"eu-.*": this one is a legacy path.
      ['rule 1 shape, value its regex refuses', 'up.dc.us-east', { __name__: 'up', dc: 'us-east' }],
      // Rule 0 writes `<name>.api.<instance>` only; `job` is not in its shape at node 2.
      [
        'legacy path of other shape',
        'up.instance.h1.job.web',
        { __name__: 'up', instance: 'h1', job: 'web' },
      ],
      ['two placeholders in one node: never exact', 'up.x.a-b', undefined],
      ['escaped capture: regex undecidable, skipped', 'up.dc.%C3%A9', undefined],
    ];
    for (const [what, path, want] of READS) {
      it(what, () => {
        const got = labelsOf(ctx(), path);
        assert.deepEqual(
          got === undefined ? undefined : Object.fromEntries(got.map((l) => [l.name, l.value])),
          want,
        );
      });
    }

    it('every path a rule writes is refused by the reader', () => {
      const sets: Record<string, string>[] = [
        { __name__: 'up', job: 'api', instance: 'h1' },
        { __name__: 'up', job: 'api', instance: '\x01A' },
        { __name__: 'up', dc: 'eu-x' },
        { __name__: 'up', dc: 'eu-é' },
        { __name__: 'up', job: 'two', a: 'x-y', b: 'z' },
      ];
      const rules = rulesOf(raw);
      for (const set of sets) {
        const { templated } = rules.paths(labels(set));
        assert.ok(templated.length > 0, JSON.stringify(set));
        for (const p of templated) assert.equal(labelsOf(ctx(), p), undefined, p);
      }
    });

    it('without templates the same path reads as legacy (behaviour unchanged)', () => {
      assert.deepEqual(labelsOf({ mode: 'path', prefix: '', templates: undefined }, 'up.api.h1'), [
        { name: '__name__', value: 'up' },
        { name: 'api', value: 'h1' },
      ]);
    });
  });
});
