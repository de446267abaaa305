/**
 * Bench of issue 2: the pure core on a 100,000-step hierarchy. A tree of 100,000 tasks
 * (each a graph node with dependsOn = its parent, ten children a node) is validated,
 * compiled to a plan and dry-run; in another process it is exported as the Plan document
 * (the graphology export `strata plan --format json` prints).
 * Beside it, the time graphology alone takes to build a DirectedGraph of the same nodes
 * and edges, so the ratio shows strata's own overhead. Targets (2-core machine):
 * compile + dry run under 2 s, peak memory under 500 MB.
 *
 * Each measurement runs in a fresh child process: times are cold (what `strata plan`
 * pays), and peak memory is that process's maxRSS (process.resourceUsage), which
 * includes node and tsx themselves (reported apart as the baseline). The tree runs
 * ROUNDS times and reports medians. Also reported: the dfs and bfs dry runs of the same
 * tree, and a nested hierarchy (100 graph nodes, each a sequence with a fan-out of 998
 * items and a fan-in: 100,000 steps at run time from a plan of 500 nodes).
 *
 * Standalone: npx tsx bench/flow-bench.ts
 */
import { fork } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { DirectedGraph } from 'graphology';
import { dryRun } from '../src/engine/dry-run.ts';
import { validateFlowDocument } from '../src/flow/flow-document.ts';
import { compileFlow } from '../src/plan/compile.ts';
import { toPlanDocument } from '../src/plan/plan-document.ts';

const STEPS = 100_000;
const BRANCHING = 10;
const ROUNDS = 3;
const CHILD_FLAG = '--flow-bench-child';

export interface BenchFigure {
  name: string;
  value: number;
  unit: string;
}

type Scenario = 'tree' | 'tree-plan' | 'tree-dfs' | 'tree-bfs' | 'nested' | 'graphology';

/** What one child process measured: phase times in ms, memory in MB. */
interface Measured {
  ms: Record<string, number>;
  peakRssMb: number;
  baselineRssMb: number;
  peakHeapMb: number;
  steps: number;
}

/** Run the flow bench and return its figures. */
export async function flowBench(): Promise<BenchFigure[]> {
  const trees: Measured[] = [];
  for (let i = 0; i < ROUNDS; i++) trees.push(await inChild('tree'));
  const graphology: Measured[] = [];
  for (let i = 0; i < ROUNDS; i++) graphology.push(await inChild('graphology'));
  const withPlan = await inChild('tree-plan');
  const dfs = await inChild('tree-dfs');
  const bfs = await inChild('tree-bfs');
  const nested = await inChild('nested');

  const t = (phase: string) => median(trees.map((m) => m.ms[phase]));
  const compileAndDry = median(trees.map((m) => m.ms.compile + m.ms.dryRun));
  const pipeline = t('validate') + t('compile') + withPlan.ms.planDocument + t('dryRun');
  const g = median(graphology.map((m) => m.ms.build));
  const peak = Math.max(...trees.map((m) => m.peakRssMb));
  const tree = `tree of ${STEPS.toLocaleString('en')} steps`;
  return [
    { name: `${tree}: validate`, value: round(t('validate')), unit: 'ms' },
    { name: `${tree}: compile (plan tree, step ids)`, value: round(t('compile')), unit: 'ms' },
    { name: `${tree}: dry run (dependency, 6 ticks)`, value: round(t('dryRun')), unit: 'ms' },
    { name: `${tree}: compile + dry run (target < 2000)`, value: round(compileAndDry), unit: 'ms' },
    { name: `${tree}: validate + compile + dry run, peak memory, maxRSS (target < 500)`, value: round(peak), unit: 'MB' },
    { name: `${tree}: validate + compile + dry run, peak heap used`, value: round(Math.max(...trees.map((m) => m.peakHeapMb))), unit: 'MB' },
    { name: `${tree}: Plan document (graphology export of the plan)`, value: round(withPlan.ms.planDocument), unit: 'ms' },
    { name: `${tree}: validate + compile + Plan document, peak memory, maxRSS`, value: round(withPlan.peakRssMb), unit: 'MB' },
    { name: `${tree}: validate + compile + Plan document + dry run`, value: round(pipeline), unit: 'ms' },
    { name: 'node + tsx alone (RSS before the flow is built)', value: round(median(trees.map((m) => m.baselineRssMb))), unit: 'MB' },
    { name: `graphology alone: DirectedGraph of the same ${STEPS.toLocaleString('en')} nodes and edges`, value: round(g), unit: 'ms' },
    { name: 'graphology alone: peak memory, maxRSS', value: round(Math.max(...graphology.map((m) => m.peakRssMb))), unit: 'MB' },
    { name: '(compile + dry run) / graphology build', value: round(compileAndDry / g, 2), unit: 'ratio' },
    { name: '(validate + compile + Plan document + dry run) / graphology build', value: round(pipeline / g, 2), unit: 'ratio' },
    { name: `${tree}: dry run, dfs (${STEPS.toLocaleString('en')} ticks)`, value: round(dfs.ms.dryRun), unit: 'ms' },
    { name: `${tree}: dry run, bfs (${STEPS.toLocaleString('en')} ticks)`, value: round(bfs.ms.dryRun), unit: 'ms' },
    { name: 'nested hierarchy (100 x sequence/fan-out 998/fan-in): compile + dry run', value: round(nested.ms.compile + nested.ms.dryRun), unit: 'ms' },
    { name: 'nested hierarchy: peak memory, maxRSS', value: round(nested.peakRssMb), unit: 'MB' },
  ];
}

/** Run one scenario in a fresh node process (with the same TypeScript loader) and collect what it measured. */
function inChild(scenario: Scenario): Promise<Measured> {
  const execArgv = process.execArgv.some((a) => a.includes('tsx')) ? process.execArgv : ['--import', 'tsx'];
  return new Promise((resolve, reject) => {
    const child = fork(fileURLToPath(import.meta.url), [CHILD_FLAG, scenario], { execArgv, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    let got: Measured | undefined;
    child.once('message', (m) => (got = m as Measured));
    child.once('error', reject);
    child.once('exit', (code) => (got ? resolve(got) : reject(new Error(`flow bench child (${scenario}) exited ${code} without figures`))));
  });
}

/** The child side: build the flow, time each phase, report memory. */
function measure(scenario: Scenario): Measured {
  const baselineRssMb = process.memoryUsage().rss / 2 ** 20;
  let peakHeap = 0;
  const ms: Record<string, number> = {};
  const time = <T>(phase: string, fn: () => T): T => {
    const t0 = performance.now();
    const out = fn();
    ms[phase] = performance.now() - t0;
    peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed);
    return out;
  };
  let steps = 0;
  if (scenario === 'graphology') {
    const g = time('build', () => {
      const graph = new DirectedGraph();
      for (let i = 0; i < STEPS; i++) graph.addNode(`n${i}`, { kind: 'task', image: 'busybox' });
      for (let i = 1; i < STEPS; i++) graph.addDirectedEdge(parentOf(i), `n${i}`, { type: 'dependsOn' });
      return graph;
    });
    steps = g.order;
  } else {
    const raw = scenario === 'nested' ? nestedFlow() : treeFlow(scenario === 'tree-dfs' ? 'dfs' : scenario === 'tree-bfs' ? 'bfs' : 'dependency');
    const doc = time('validate', () => validateFlowDocument(raw));
    const compiled = time('compile', () => compileFlow(doc));
    if (scenario === 'tree-plan') {
      steps = time('planDocument', () => toPlanDocument(compiled)).stepCount;
    } else {
      const run = time('dryRun', () => dryRun(compiled.root, compiled.params));
      if (run.status !== 'succeeded') throw new Error(`dry run ended ${run.status}: ${run.error}`);
      steps = run.order.reduce((n, tick) => n + tick.length, 0);
    }
  }
  return { ms, steps, baselineRssMb, peakHeapMb: peakHeap / 2 ** 20, peakRssMb: process.resourceUsage().maxRSS / 1024 };
}

const parentOf = (i: number) => `n${Math.floor((i - 1) / BRANCHING)}`;

/** A Flow whose root is a graph of STEPS tasks: a tree, dependsOn = parent. */
function treeFlow(traversal: string): unknown {
  const nodes: Record<string, unknown> = {};
  for (let i = 0; i < STEPS; i++) {
    nodes[`n${i}`] = i === 0 ? { task: { image: 'busybox' } } : { task: { image: 'busybox', command: ['sh', '-c', 'true'] }, dependsOn: [parentOf(i)] };
  }
  return { apiVersion: 'strata/v1', kind: 'Flow', metadata: { name: 'bench-tree', version: '1' }, spec: { root: { graph: { traversal, nodes } } } };
}

/** 100 graph nodes (a tree) of sequence [prepare, fanOut over 998 items, fanIn]: 100,000 steps at run time. */
function nestedFlow(): unknown {
  const items = Array.from({ length: STEPS / 100 - 2 }, (_, i) => i);
  const nodes: Record<string, unknown> = {};
  for (let i = 0; i < 100; i++) {
    nodes[`n${i}`] = {
      ...(i > 0 ? { dependsOn: [parentOf(i)] } : {}),
      sequence: [
        { id: 'prepare', task: { image: 'busybox' } },
        { id: 'fan', fanOut: { over: { var: 'params.items' }, do: { task: { image: 'busybox' } } } },
        { id: 'join', fanIn: { from: 'fan', do: { task: { image: 'busybox' } } } },
      ],
    };
  }
  return { apiVersion: 'strata/v1', kind: 'Flow', metadata: { name: 'bench-nested', version: '1' }, spec: { params: { items }, root: { graph: { nodes } } } };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

function round(x: number, digits = 0): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

const direct = process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href;
if (direct && process.argv[2] === CHILD_FLAG) {
  process.send!(measure(process.argv[3] as Scenario));
} else if (direct) {
  const figures = await flowBench();
  const width = Math.max(...figures.map((f) => f.name.length));
  for (const f of figures) process.stdout.write(`${f.name.padEnd(width)}  ${String(f.value).padStart(8)} ${f.unit}\n`);
}
