/**
 * Issue 3 figure: a Dataset describing a 100,000-node tree goes through the rules and the
 * hierarchy generator to a plan stored in Redis, the way POST /v1/datasets does it
 * (validate, match, generate, validate the generated flow, compile, export, store).
 * Target: under 3 s on 2 cores. Peak memory is the process's maxRSS.
 */
import { Redis } from 'ioredis';
import { GENERATORS, GENERATOR_NAMES } from '../generators/index.ts';
import { validateDataset, type TreeNode } from '../src/dataset/dataset-document.ts';
import { toPlanDocument } from '../src/plan/plan-document.ts';
import { planDataset } from '../src/service/plan-dataset.ts';
import { loadBuiltinRules } from '../src/store/builtin-rules.ts';
import { DefinitionsStore } from '../src/store/definitions-store.ts';
import { startRedisServer } from '../src/store/redis-server.ts';
import type { Figure } from './runs-bench.ts';

/** A tree of `n` nodes: fan-out 10 per level, ids n0..n(n-1). */
export function bigTree(n: number): TreeNode {
  const nodes: TreeNode[] = Array.from({ length: n }, (_, i) => ({ id: `n${i}` }));
  for (let i = 1; i < n; i++) {
    const parent = nodes[Math.floor((i - 1) / 10)];
    (parent.children ??= []).push(nodes[i]);
  }
  return nodes[0];
}

export async function datasetBench(n = 100_000): Promise<Figure[]> {
  const server = await startRedisServer();
  const redis = new Redis(server.url);
  try {
    const defs = new DefinitionsStore(redis, 'bench:');
    const rules = loadBuiltinRules(GENERATOR_NAMES);
    const text = JSON.stringify({ apiVersion: 'strata/v1', kind: 'Dataset', metadata: { name: 'big-tree' }, spec: { shape: 'tree', levels: [{ name: 'root' }, { name: 'a' }, { name: 'b' }, { name: 'c' }, { name: 'd' }, { name: 'leaf' }], root: bigTree(n) } });
    const t0 = performance.now();
    const dataset = validateDataset(JSON.parse(text));
    const { flow, compiled } = await planDataset(dataset, rules, defs, GENERATORS);
    const plan = toPlanDocument(compiled);
    const ref = `${flow.metadata.name}@${flow.metadata.version}`;
    await defs.registerFlow(flow);
    await defs.putPlan(ref, JSON.stringify(plan));
    const ms = performance.now() - t0;
    const stored = await redis.strlen(`bench:plan:${ref}`);
    return [
      { name: `dataset of ${n} tree nodes -> stored plan`, value: ms, unit: 'ms' },
      { name: '  steps in the plan', value: compiled.stepIds.length, unit: 'steps' },
      { name: '  stored plan size', value: stored / 1e6, unit: 'MB' },
      { name: '  peak memory (maxRSS of the process so far)', value: process.resourceUsage().maxRSS / 1024, unit: 'MB' },
    ];
  } finally {
    await redis.quit();
    await server.stop();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const f of await datasetBench()) console.log(`${f.name.padEnd(48)} ${f.value.toFixed(2)} ${f.unit}`);
}
