/**
 * Two (or more) quarterback builds side by side, alternated in one process: the CPU a container
 * costs through each, as the worker reaps it (the quarterback, its forks, bubblewrap and the
 * `true` containers: this process's reaped children), and the quarterback's own CPU apart
 * and its page faults (self-cpu.cjs), each a pod of N `true` containers less a pod of one, divided by N - 1; wall
 * time a container beside them (it moves with the machine's load: compare CPU). Not part of
 * `npm run bench`: for comparing a change with main (docs/performance.md, Thirteenth pass):
 *
 *   git archive main | tar -x -C /tmp/main && ln -s $PWD/node_modules /tmp/main/ && (cd /tmp/main && node scripts/build.mjs)
 *   node scripts/build.mjs && cp -r dist /tmp/change
 *   node --import tsx bench/quarterback-ab.ts PAIRS N /tmp/main/dist/sidecar/bin.cjs /tmp/change/sidecar/bin.cjs
 *
 * A BIN followed by node flags in the same argument runs with them too (one build with and without a flag).
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LocalRuntime } from '../runtime/local/local-runtime.ts';
import { QUARTERBACK_NODE_FLAGS } from '../runtime/local/quarterback-process.ts';
import { cpuMs } from './cpu-time.mjs';
import { throughQuarterback } from './quarterback-bench.ts';

interface Figures {
  /** the tree's CPU, ms */
  cpu: number;
  /** the quarterback's own CPU, ms */
  self: number;
  /** the quarterback's minor page faults */
  faults: number;
  /** from the first report to the last container's `succeeded`, ms a container */
  ms: number;
}

const [pairs, n] = [Number(process.argv[2]), Number(process.argv[3])];
const bins = process.argv.slice(4);
if (!(pairs > 0) || !(n > 1) || bins.length < 2) {
  process.stderr.write('usage: quarterback-ab.ts PAIRS N BIN_A BIN_B [BIN_C...]  (BIN: a built dist/sidecar/bin.cjs)\n');
  process.exit(2);
}
const root = await mkdtemp(join(tmpdir(), 'strata-qb-ab-'));
const selfLog = join(root, 'self.log');
process.env.QB_AB_SELF_LOG = selfLog;
const preload = fileURLToPath(new URL('./self-cpu.cjs', import.meta.url));
// A BIN may carry node flags after its path, in the same argument ('/tmp/change/sidecar/bin.cjs --max-semi-space-size=8').
const runtimes = bins.map((b) => {
  const [path, ...flags] = b.split(' ').filter(Boolean);
  return new LocalRuntime({ quarterback: [process.execPath, ...QUARTERBACK_NODE_FLAGS, ...flags, '--require', preload, path] });
});
let pods = 0;

/** A pod of `count` `true` containers through `rt` (quarterback-bench.ts), with the CPU it took. */
async function pod(rt: LocalRuntime, count: number): Promise<Figures> {
  const cpu0 = cpuMs();
  const q = await throughQuarterback(rt, root, `r${pods++}`, count);
  const lines = (await readFile(selfLog, 'utf8')).trim().split('\n');
  const [, self, faults] = lines[lines.length - 1].split(' ').map(Number);
  return { cpu: cpuMs() - cpu0, self, faults, ms: q.containers };
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const name = (i: number): string => String.fromCharCode(65 + i);
const res: Figures[][] = bins.map(() => []);
try {
  for (const rt of runtimes) await pod(rt, 5); // warm the page cache
  for (let p = 0; p < pairs; p++) {
    const order = bins.map((_, i) => (p % 2 === 0 ? i : bins.length - 1 - i));
    for (const i of order) {
      const one = await pod(runtimes[i], 1);
      const many = await pod(runtimes[i], n);
      res[i].push({ cpu: (many.cpu - one.cpu) / (n - 1), self: (many.self - one.self) / (n - 1), faults: (many.faults - one.faults) / (n - 1), ms: many.ms / n });
    }
    console.log(`round ${p}: ${res.map((r, i) => `${name(i)} cpu ${r[p].cpu.toFixed(2)} self ${r[p].self.toFixed(2)} faults ${r[p].faults.toFixed(1)} wall ${r[p].ms.toFixed(2)}`).join(' | ')} (ms a container)`);
  }
  for (let i = 0; i < bins.length; i++) {
    console.log(`${name(i)} ${bins[i]}: medians a container: CPU ${median(res[i].map((r) => r.cpu)).toFixed(2)} ms, the quarterback's own ${median(res[i].map((r) => r.self)).toFixed(2)} ms and ${median(res[i].map((r) => r.faults)).toFixed(1)} page faults, wall ${median(res[i].map((r) => r.ms)).toFixed(2)} ms`);
  }
  for (let i = 1; i < bins.length; i++) {
    for (const k of ['cpu', 'self', 'faults'] as const) {
      const lower = res[i].filter((r, p) => r[k] < res[0][p][k]).length;
      console.log(`${name(i)} against A, ${k}: lower in ${lower} of ${pairs} rounds, median difference ${median(res[i].map((r, p) => r[k] - res[0][p][k])).toFixed(2)}`);
    }
  }
} finally {
  await rm(root, { recursive: true, force: true });
}
