/**
 * Bench (d) of issue 4: a micro sequence of 200 trivial containers (`true`) through the
 * quarterback against 200 bare sequential child_process.spawn calls of `true`, measured
 * side by side in one run (alternating, median of ROUNDS each). Target:
 * quarterback / bare at most 1.2.
 *
 * The quarterback figure is the worker's view through the local runtime: from the first
 * container's `running` report to the last one's `succeeded` report, as they reach the
 * worker (every container prepared, started, finished, its result read and reported).
 * What happens once per pod, not per container, is reported apart: starting the
 * quarterback process (node + tsx, port allocation) and ending it (its exit, removing the
 * pod's directories); `pod total` is the whole run() call.
 *
 * The same is measured again once this process (the worker) holds 200 MB on its JS heap:
 * forking from a big process costs more (its page tables are copied); the quarterback, a
 * small process of its own, should not pay it. The bare spawns are made by a small process
 * too (bare-spawns.ts), so both sides start from a process of the same kind whatever this
 * one holds.
 *
 * Every container on the local runtime starts in a mount namespace of its own made by
 * bubblewrap (a /tmp of its own): the containers are also compared with 200 bare `bwrap`
 * spawns of `true` with the same mounts (bare-spawns.ts), bubblewrap's own cost.
 *
 * Standalone: node --import tsx bench/quarterback-bench.ts
 */
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { LocalRuntime } from '../runtime/local/local-runtime.ts';
import type { PodRequest } from '../runtime/pod-runtime.ts';
import type { PlanNode } from '../src/plan/plan-node.ts';
import { bareBwrapArgv, bareSpawns } from './bare-spawns.ts';

const CONTAINERS = 200;

/** A full collection, without starting node with --expose-gc: the flag set at run time exposes gc() to new contexts. */
let fullGc: (() => void) | undefined;

/** Bytes on the JS heap right after a full collection: what is live, not garbage yet uncollected. */
function liveHeap(): number {
  if (!fullGc) {
    setFlagsFromString('--expose-gc');
    fullGc = runInNewContext('gc') as () => void;
  }
  fullGc();
  return process.memoryUsage().heapUsed;
}
const ROUNDS = 5;

export interface BenchFigure {
  name: string;
  value: number;
  unit: string;
}

/** Run bench (d) and return its figures. */
export async function quarterbackBench(): Promise<BenchFigure[]> {
  const root = await mkdtemp(join(tmpdir(), 'strata-bench-qb-'));
  const runtime = new LocalRuntime();
  const bare: number[] = [];
  const bwrap: number[] = [];
  const heavyBwrap: number[] = [];
  const qb: number[] = [];
  const startup: number[] = [];
  const teardown: number[] = [];
  const total: number[] = [];
  const heavyBare: number[] = [];
  const heavyQb: number[] = [];
  let heapMb = 0;
  try {
    const bwrapArgv = bareBwrapArgv(root);
    await bareSpawns(10); // warm both paths up (tsx's transform cache, the page cache)
    await bareSpawns(10, 1, bwrapArgv);
    await throughQuarterback(runtime, root, 'warm', 10);
    for (let i = 0; i < ROUNDS; i++) {
      bare.push(await bareSpawns(CONTAINERS));
      bwrap.push(await bareSpawns(CONTAINERS, 1, bwrapArgv));
      const q = await throughQuarterback(runtime, root, `r${i}`, CONTAINERS);
      qb.push(q.containers);
      startup.push(q.startup);
      teardown.push(q.teardown);
      total.push(q.total);
    }
    // The worker's heap holding 200 MB of live objects (small ones, as a worker's state would
    // be): filled until the heap measured right after a full collection holds 200 MB, since
    // what heapUsed counts while filling includes the earlier sections' garbage (a fill to
    // 240 MB counted that way held 108 MB at the end of a whole `npm run bench`).
    const ballast: Array<{ i: number; s: string }> = [];
    while (liveHeap() < 200 * 2 ** 20) for (let i = 0; i < 200_000; i++) ballast.push({ i, s: `x${i}` });
    for (let i = 0; i < ROUNDS; i++) {
      heavyBare.push(await bareSpawns(CONTAINERS));
      heavyBwrap.push(await bareSpawns(CONTAINERS, 1, bwrapArgv));
      heavyQb.push((await throughQuarterback(runtime, root, `h${i}`, CONTAINERS)).containers);
    }
    heapMb = liveHeap() / 2 ** 20;
    ballast.length = 0;
  } finally {
    await rm(root, { recursive: true, force: true });
  }
  const b = median(bare);
  const q = median(qb);
  const hb = median(heavyBare);
  const hq = median(heavyQb);
  const w = median(bwrap);
  const hw = median(heavyBwrap);
  return [
    { name: 'quarterback: 200 sequential `true` containers', value: round(q), unit: 'ms' },
    { name: 'bare: 200 sequential spawn(`true`)', value: round(b), unit: 'ms' },
    { name: 'quarterback / bare (target <= 1.2)', value: Math.round((q / b) * 100) / 100, unit: 'ratio' },
    { name: 'bare bwrap: 200 sequential `bwrap ... true` (a /tmp of its own)', value: round(w), unit: 'ms' },
    { name: 'quarterback / bare bwrap', value: Math.round((q / w) * 100) / 100, unit: 'ratio' },
    { name: 'bare bwrap / bare (bubblewrap\'s own)', value: Math.round((w / b) * 100) / 100, unit: 'ratio' },
    { name: 'quarterback: per container', value: round(q / CONTAINERS, 3), unit: 'ms' },
    { name: 'bare: per spawn', value: round(b / CONTAINERS, 3), unit: 'ms' },
    { name: 'quarterback: pod start (process start to first report)', value: round(median(startup)), unit: 'ms' },
    { name: 'quarterback: pod end (last report to run() resolved)', value: round(median(teardown)), unit: 'ms' },
    { name: 'quarterback: pod total (whole run() of the 200-container pod)', value: round(median(total)), unit: 'ms' },
    { name: `with ${Math.round(heapMb)} MB on the worker's heap: quarterback`, value: round(hq), unit: 'ms' },
    { name: 'with that heap: bare spawns', value: round(hb), unit: 'ms' },
    { name: 'with that heap: quarterback / bare (target <= 1.2)', value: Math.round((hq / hb) * 100) / 100, unit: 'ratio' },
    { name: 'with that heap: bare bwrap spawns', value: round(hw), unit: 'ms' },
    { name: 'with that heap: quarterback / bare bwrap', value: Math.round((hq / hw) * 100) / 100, unit: 'ratio' },
  ];
}

/** A pod whose micro flow is a sequence of `n` `true` containers, through the local runtime (wall times in ms; also quarterback-ab.ts). */
export async function throughQuarterback(runtime: LocalRuntime, root: string, runId: string, n: number): Promise<{ containers: number; startup: number; teardown: number; total: number }> {
  const children: PlanNode[] = Array.from({ length: n }, (_, i) => ({ kind: 'task', seg: `c${i}`, task: { image: 'strata/noop', command: ['true'] } }));
  const req: PodRequest = {
    runId, step: 'bench', attempt: 1, kind: 'pod',
    pod: { name: 'bench', channels: { scratch: 'memory', ipc: [] }, body: { kind: 'sequence', seg: '', children }, params: {}, unit: '' },
    env: {}, inputsDir: join(root, 'in'), outputsDir: join(root, runId), artifactsDir: join(root, 'artifacts'),
  };
  await mkdir(req.outputsDir, { recursive: true }); // made by the worker before a pod runs
  const t0 = performance.now();
  let first: number | undefined;
  let last = 0;
  let succeeded = 0;
  const outcome = await runtime.run(req, (r) => {
    if (r.type !== 'step') return;
    first ??= performance.now();
    if (r.status === 'succeeded' && ++succeeded === n) last = performance.now();
  }, new AbortController().signal);
  const end = performance.now();
  if (!outcome.ok || succeeded !== n) throw new Error(`bench pod failed: ${outcome.error ?? `${succeeded} of ${n} containers succeeded`}`);
  return { containers: last - first!, startup: first! - t0, teardown: end - last, total: end - t0 };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function round(x: number, digits = 1): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  for (const f of await quarterbackBench()) console.log(`${f.name.padEnd(60)} ${String(f.value).padStart(9)} ${f.unit}`);
}
