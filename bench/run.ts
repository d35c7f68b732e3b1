// `npm run bench`: every benchmark in one process run, so ratios compare like with like on this
// noisy shared machine. Prints one line per measurement; bench/README.md records the results.

import { runDecodeBench } from './decode.js';
import { runGraphiteBench } from './graphite.js';
import { runInfluxBench } from './influx.js';
import { runIngestBench } from './ingest.js';
import type { BenchReport } from './report.js';

function format(r: BenchReport): string {
  const runs = r.runs.map((v) => Math.round(v).toLocaleString('en-US')).join(', ');
  const extra = Object.entries(r.extra ?? {})
    .map(([k, v]) => `${k}: ${v}`)
    .join('; ');
  return `${r.name}\n  median ${Math.round(r.median).toLocaleString('en-US')} ${r.unit}  (runs: ${runs})${extra ? `\n  ${extra}` : ''}`;
}

const only = process.argv[2];
const suites: Array<[string, () => Promise<BenchReport[]>]> = [
  ['decode', () => runDecodeBench()],
  ['ingest', () => runIngestBench()],
  ['influx', () => runInfluxBench()],
  ['graphite', () => runGraphiteBench()],
];
for (const [name, run] of suites) {
  if (only && only !== name) continue;
  console.log(`# ${name}`);
  for (const report of await run()) console.log(format(report));
}
const rss = process.resourceUsage().maxRSS;
console.log(`# bench process peak RSS ${Math.round(rss / 1024)} MB`);
