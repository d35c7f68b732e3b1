// A Kubernetes-like remote-write workload (performance.md, "The workload we measure with"):
// scrape targets of a few kinds, 8-14 labels per series (mean ~10), values up to ~100 bytes
// (container ids, image names), one sample per TimeSeries, 2,000 samples per request, each
// target's series together and in the same order every scrape. Deterministic for a seed.

import { snappyCompress } from '../src/codec/snappy.js';
import { ProtoWriter, writeLabel, writeSample, type TestLabel } from '../test/support/encode-write.js';
import { xorshift32 } from '../test/support/bits.js';

export interface WorkloadOptions {
  /** Distinct series (default 20,000). */
  readonly series?: number;
  /** Scrapes of every series; each scrape is one sample per series (default 3). */
  readonly scrapes?: number;
  readonly samplesPerRequest?: number;
  readonly seed?: number;
}

export interface Workload {
  /** Snappy-compressed WriteRequest bodies, in send order. */
  readonly bodies: readonly Buffer[];
  readonly samples: number;
  readonly series: number;
  /** Uncompressed and compressed bytes over all bodies. */
  readonly rawBytes: number;
  readonly wireBytes: number;
}

const STALE_BITS = 0x7ff0000000000002n;
const GO_NAN_BITS = 0x7ff8000000000001n;

function hex(rand: () => number, n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) s += '0123456789abcdef'[Math.floor(rand() * 16)];
  return s;
}

function pick<T>(rand: () => number, xs: readonly T[]): T {
  return xs[Math.floor(rand() * xs.length)]!;
}

const NAMESPACES = [
  'kube-system',
  'monitoring',
  'payments',
  'checkout',
  'search',
  'ingress-nginx',
  'default',
];
const NODE_METRICS = [
  'node_cpu_seconds_total',
  'node_filesystem_avail_bytes',
  'node_network_receive_bytes_total',
];
const CADVISOR_METRICS = [
  'container_cpu_usage_seconds_total',
  'container_memory_working_set_bytes',
  'container_fs_reads_bytes_total',
];
const KSM_METRICS = ['kube_pod_status_phase', 'kube_pod_container_status_restarts_total', 'kube_pod_info'];
const APP_METRICS = [
  'http_request_duration_seconds_bucket',
  'http_requests_total',
  'grpc_server_handled_total',
];

type Kind = 'node' | 'cadvisor' | 'ksm' | 'app';

// Per-target identities that many series share (a pod's containers appear in every cadvisor
// metric), which is what makes real bodies compress ~10×.
interface Pod {
  readonly pod: string;
  readonly uid: string;
  readonly id: string;
  readonly image: string;
  readonly name: string;
  readonly namespace: string;
}

function makePod(rand: () => number): Pod {
  const pod = `${pick(rand, ['api', 'worker', 'cache', 'web', 'db'])}-${hex(rand, 10)}-${hex(rand, 5)}`;
  const uid = `${hex(rand, 8)}-${hex(rand, 4)}-${hex(rand, 4)}-${hex(rand, 4)}-${hex(rand, 12)}`;
  return {
    pod,
    uid,
    id: `/kubepods/burstable/pod${uid}/${hex(rand, 64)}`,
    image: `registry.example.com/team/${pick(rand, ['api', 'worker'])}:v1.${Math.floor(rand() * 30)}@sha256:${hex(rand, 40)}`,
    name: `k8s_app_${pod}_payments_${uid.slice(0, 8)}_0`,
    namespace: pick(rand, NAMESPACES),
  };
}

// Labels of series i of a target; the kind decides the per-metric labels.
function seriesLabels(
  rand: () => number,
  kind: Kind,
  target: Record<string, string>,
  pods: Pod[],
  i: number,
) {
  const l: Record<string, string> = { ...target };
  const p = pods[Math.floor(i / 9) % pods.length]!;
  switch (kind) {
    case 'node':
      l['__name__'] = NODE_METRICS[i % NODE_METRICS.length]!;
      l['cpu'] = String(i % 16);
      l['mode'] = pick(rand, ['idle', 'user', 'system', 'iowait', 'softirq']);
      l['device'] = pick(rand, ['nvme0n1p1', 'eth0', 'tmpfs', 'overlay']);
      l['mountpoint'] = pick(rand, ['/', '/var/lib/kubelet', '/run']);
      break;
    case 'cadvisor':
      l['__name__'] = CADVISOR_METRICS[i % CADVISOR_METRICS.length]!;
      l['container'] = pick(rand, ['app', 'istio-proxy', 'fluent-bit']);
      l['id'] = p.id;
      l['image'] = p.image;
      l['name'] = p.name;
      l['namespace'] = p.namespace;
      l['pod'] = p.pod;
      break;
    case 'ksm':
      l['__name__'] = KSM_METRICS[i % KSM_METRICS.length]!;
      l['namespace'] = p.namespace;
      l['pod'] = p.pod;
      l['uid'] = p.uid;
      l['container'] = pick(rand, ['app', 'istio-proxy']);
      if (i % 3 === 0) l['phase'] = pick(rand, ['Running', 'Pending', 'Succeeded']);
      break;
    case 'app':
      l['__name__'] = APP_METRICS[i % APP_METRICS.length]!;
      l['method'] = pick(rand, ['GET', 'POST', 'PUT']);
      l['handler'] = pick(rand, ['/api/v1/orders', '/api/v1/users/{id}', '/healthz', '/metrics']);
      l['code'] = pick(rand, ['200', '404', '500']);
      l['namespace'] = p.namespace;
      l['pod'] = p.pod;
      if (i % 3 === 0) l['le'] = pick(rand, ['0.005', '0.05', '0.5', '5', '+Inf']);
      break;
  }
  // Sorted by UTF-8 bytes; the names here are ASCII, so a plain compare is byte order.
  return Object.keys(l)
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
    .map((name): TestLabel => ({ name, value: l[name]! }));
}

/** Builds the workload; ~1 s for the default size. */
export function buildWorkload(options: WorkloadOptions = {}): Workload {
  const seriesCount = options.series ?? 20_000;
  const scrapes = options.scrapes ?? 3;
  const perRequest = options.samplesPerRequest ?? 2000;
  const rand = xorshift32(options.seed ?? 42);
  const kinds: Kind[] = ['node', 'cadvisor', 'ksm', 'app'];

  // Each series' label fields are encoded once; a TimeSeries is those bytes plus one sample.
  const labelBytes: Buffer[] = [];
  const seen = new Set<string>();
  for (let t = 0; labelBytes.length < seriesCount; t++) {
    const kind = kinds[t % kinds.length]!;
    const target: Record<string, string> = {
      instance: `10.${t >> 8}.${t & 255}.${(t * 7) % 250}:${kind === 'node' ? 9100 : 8080}`,
      job:
        kind === 'node'
          ? 'node-exporter'
          : kind === 'cadvisor'
            ? 'kubelet'
            : kind === 'ksm'
              ? 'kube-state-metrics'
              : 'app',
      cluster: 'prod-eu-1',
      node: `ip-10-0-${t & 255}-${(t * 13) % 250}.eu-west-1.compute.internal`,
    };
    const pods = Array.from({ length: 12 }, () => makePod(rand));
    const perTarget = 60 + Math.floor(rand() * 60);
    for (let i = 0; i < perTarget && labelBytes.length < seriesCount; i++) {
      // Random picks can repeat a label set; a scrape never holds one series twice.
      for (let attempt = 0; ; attempt++) {
        const w = new ProtoWriter();
        const labels = seriesLabels(rand, kind, target, pods, i + attempt * 7);
        // After a few tries, a distinguishing label (sorts last: all other names are smaller).
        if (attempt >= 5) labels.push({ name: 'worker', value: String(labelBytes.length) });
        for (const l of labels) writeLabel(w, 1, l);
        const bytes = w.finish();
        const key = bytes.toString('latin1');
        if (seen.has(key)) continue;
        seen.add(key);
        labelBytes.push(bytes);
        break;
      }
    }
  }

  const bodies: Buffer[] = [];
  let rawBytes = 0;
  let wireBytes = 0;
  let pending = new ProtoWriter();
  let inRequest = 0;
  const flush = (): void => {
    const raw = pending.finish();
    const body = snappyCompress(raw);
    bodies.push(body);
    rawBytes += raw.length;
    wireBytes += body.length;
    pending = new ProtoWriter();
    inRequest = 0;
  };
  const t0 = 1_795_548_600_000;
  for (let s = 0; s < scrapes; s++) {
    for (let i = 0; i < seriesCount; i++) {
      const r = rand();
      const sample =
        r < 0.002
          ? { timestampMs: t0 + s * 15_000, bits: STALE_BITS }
          : r < 0.01
            ? { timestampMs: t0 + s * 15_000, bits: GO_NAN_BITS }
            : { timestampMs: t0 + s * 15_000 + (i % 1000), value: Math.round(rand() * 1e6) / 100 };
      pending.message(1, (ts) => {
        ts.raw(labelBytes[i]!);
        writeSample(ts, 2, sample);
      });
      if (++inRequest === perRequest) flush();
    }
  }
  if (inRequest > 0) flush();
  return { bodies, samples: seriesCount * scrapes, series: seriesCount, rawBytes, wireBytes };
}

export interface ScrapeRuns {
  readonly workload: Workload;
  /** The first scrape's bodies: every series new to the receiver. */
  readonly firstScrape: readonly Buffer[];
  /** The bodies of measured run `r` (after the first scrape) and the samples they carry. */
  run(r: number): { readonly bodies: readonly Buffer[]; readonly samples: number };
}

/** The workload as the ingestion benchmarks send it: one first scrape, then `runs` runs of `scrapesPerRun` scrapes. */
export function buildScrapeRuns(options: {
  readonly series: number;
  readonly runs: number;
  readonly scrapesPerRun: number;
  readonly seed: number;
}): ScrapeRuns {
  const { series, runs, scrapesPerRun, seed } = options;
  const samplesPerRequest = 2000;
  const requestsPerScrape = Math.ceil(series / samplesPerRequest);
  const workload = buildWorkload({ series, scrapes: 1 + runs * scrapesPerRun, samplesPerRequest, seed });
  return {
    workload,
    firstScrape: workload.bodies.slice(0, requestsPerScrape),
    run(r) {
      const from = requestsPerScrape * (1 + r * scrapesPerRun);
      const bodies = workload.bodies.slice(from, from + requestsPerScrape * scrapesPerRun);
      return { bodies, samples: Math.min(bodies.length * samplesPerRequest, series * scrapesPerRun) };
    },
  };
}
