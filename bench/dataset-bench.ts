/**
 * Issue 3 figure: a Dataset describing a 100,000-node tree goes through the rules and the
 * hierarchy generator to a plan stored in Redis: POST /v1/datasets itself, called in
 * process, from the request body to the answer.
 * Target: under 3 s on 2 cores. Peak memory is the process's maxRSS.
 */
import { Redis } from 'ioredis';
import { GENERATORS, GENERATOR_NAMES } from '../generators/index.ts';
import type { TreeNode } from '../src/dataset/dataset-document.ts';
import { createApp } from '../src/api/app.ts';
import { loadBuiltinRules } from '../src/store/builtin-rules.ts';
import { TriggerStore } from '../src/store/trigger-store.ts';
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
    const app = createApp({ defs, triggers: new TriggerStore(redis, 'bench:'), builtinRules: loadBuiltinRules(GENERATOR_NAMES), generators: GENERATORS, redis, maxBodyBytes: 64 * 1024 * 1024, tokens: [] });
    const levels = [{ name: 'root' }, { name: 'a' }, { name: 'b' }, { name: 'c' }, { name: 'd' }, { name: 'leaf' }];
    const text = JSON.stringify({ apiVersion: 'strata/v1', kind: 'Dataset', metadata: { name: 'big-tree' }, spec: { shape: 'tree', levels, root: bigTree(n) } });
    // The route itself, in process (Hono's app.request): body parse, rules, generator,
    // compile, Plan document, flow, dataset and plan stored in Redis, the answer written.
    const t0 = performance.now();
    const res = await app.request('/v1/datasets', { method: 'POST', headers: { 'content-type': 'application/json' }, body: text });
    const answer = await res.text();
    const ms = performance.now() - t0;
    if (res.status !== 200) throw new Error(`POST /v1/datasets answered ${res.status}: ${answer.slice(0, 300)}`);
    const { flow } = JSON.parse(answer) as { flow: { name: string; version: string } };
    // Kept in parts (src/store/value-parts.ts): their sizes added up.
    const stored = (await redis.lrangeBuffer(`bench:plan:${flow.name}@${flow.version}`, 0, -1)).reduce((n, part) => n + part.length, 0);
    return [
      { name: `POST /v1/datasets, a tree of ${n} nodes -> stored plan`, value: ms, unit: 'ms' },
      { name: '  answer size', value: answer.length / 1e6, unit: 'MB' },
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
