/**
 * The dry run's speed (issue 8): every example flow, flows whose data the dry run cannot
 * know (an until over results, a fan-out over a result), and random flows of up to 10,000
 * steps. Each figure is the slowest of its group, in ms; the target is under 1,000 ms each.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { dryRun } from '../src/engine/dry-run.ts';
import { validateFlowDocument } from '../src/flow/flow-document.ts';
import { parseTextAll } from '../src/flow/parse-text.ts';
import type { FlowDocument, FlowNode } from '../src/flow/types.ts';
import { printFigures } from './measure.ts';
import { compileFlow } from '../src/plan/compile.ts';

const flow = (root: unknown): FlowDocument => validateFlowDocument({ apiVersion: 'strata/v1', kind: 'Flow', metadata: { name: 'bench', version: '1' }, spec: { root } });
const t = { task: { image: 'x' } };

function timed(doc: FlowDocument, resolve: (ref: string) => FlowDocument | undefined = () => undefined): { ms: number; ticks: number } {
  const c = compileFlow(doc, resolve);
  const start = performance.now();
  const r = dryRun(c.root, c.params);
  return { ms: performance.now() - start, ticks: r.order.length };
}

/** A random flow of about `steps` steps: sequences, graphs, literal fan-outs, cycles and pods, seeded. */
function randomFlow(seed: number, steps: number): unknown {
  let s = seed;
  const rnd = (n: number) => ((s = (s * 1103515245 + 12345) % 2 ** 31) % n);
  let budget = steps;
  let fans = 0;
  const node = (depth: number, inPod: boolean): FlowNode => {
    if (budget <= 1 || depth > 5) return (budget--, { ...t });
    switch (rnd(6)) {
      case 0: return { sequence: Array.from({ length: 1 + rnd(4) }, () => node(depth + 1, inPod)) };
      case 1: return { graph: { nodes: Object.fromEntries(Array.from({ length: 1 + rnd(4) }, (_, i) => [`n${i}`, node(depth + 1, inPod)])) } };
      case 2: return { fanOut: { over: Array.from({ length: 1 + rnd(20) }, (_, i) => i), as: `f${fans++}`, do: node(depth + 2, inPod) } };
      case 3: return { cycle: { rounds: 1 + rnd(3), ring: [node(depth + 1, inPod)] } };
      case 4: return inPod ? node(depth, inPod) : { pod: { flow: node(depth + 1, true) } };
      default: return (budget--, { ...t });
    }
  };
  return { sequence: Array.from({ length: 40 }, () => node(0, false)) };
}

export async function dryRunBench(): Promise<Array<{ name: string; value: number; unit: string }>> {
  const dir = join(import.meta.dirname, '../examples/flows');
  const docs = readdirSync(dir).filter((f) => f.endsWith('.yaml')).flatMap((f) => parseTextAll(readFileSync(join(dir, f), 'utf8'), f).map((d) => validateFlowDocument(d)));
  const byRef = new Map(docs.map((d) => [`${d.metadata.name}@${d.metadata.version}`, d]));
  const examples = docs.map((d) => timed(d, (ref) => byRef.get(ref)).ms);
  const unknowable = [
    flow({ cycle: { ring: [t, t], until: { '>': [{ var: 'last.score' }, 0.9] } } }),
    flow({ sequence: [{ id: 'list', ...t }, { fanOut: { over: { var: 'results.list' }, do: { sequence: [t, t] } } }] }),
  ].map((d) => timed(d).ms);
  const random: number[] = [];
  let largest = 0;
  for (let seed = 1; random.length < 20 && seed <= 200; seed++) {
    const c = compileFlow(flow(randomFlow(seed, 2_000)));
    const start = performance.now();
    const r = dryRun(c.root, c.params);
    const ms = performance.now() - start;
    const steps = r.order.flat().length;
    if (steps > 10_000) continue; // the figure is for flows under 10,000 steps
    random.push(ms);
    largest = Math.max(largest, steps);
  }
  return [
    { name: `slowest of the ${examples.length} examples (target < 1000)`, value: Math.max(...examples), unit: 'ms' },
    { name: 'slowest flow over unknowable data (until, fan-out over a result)', value: Math.max(...unknowable), unit: 'ms' },
    { name: `slowest of ${random.length} random flows of up to 10,000 steps`, value: Math.max(...random), unit: 'ms' },
    { name: 'largest of them', value: largest, unit: 'steps started' },
  ];
}

// `npx tsx bench/dry-run-bench.ts`, as bench/README.md says each file runs.
if (import.meta.url === `file://${process.argv[1]}`) {
  printFigures(await dryRunBench());
}
