/**
 * Properties of the flow language's semantics on random flows nesting fan-outs, graphs,
 * cycles, pods and `use` units (issue 8):
 * - every name a step may read (params, each enclosing fan-out item by its name, the round,
 *   results by step id) has the value DESIGN.md gives it, in json-logic and in the step's
 *   environment, at both levels (macro by the coordinator's engine, micro by the engine the
 *   quarterback runs with the pod's scope);
 * - the dry run, pods included, gives exactly the ticks of a small independent simulator of
 *   DESIGN.md section 3's tick rules written here (a leaf takes one tick, composites none, a
 *   pod is a composite whose containers are the leaves, a tick listed in declared order).
 *
 * The flows are built from a small tree (Shape); the expected values come from walking that
 * tree, never from the engine.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { dryRun } from '../../src/engine/dry-run.ts';
import { RunEngine } from '../../src/engine/engine.ts';
import { podScope } from '../../src/engine/pod-scope.ts';
import type { Command, EngineEvent, StartCommand } from '../../src/engine/types.ts';
import type { FlowDocument, JsonValue } from '../../src/flow/types.ts';
import { compileFlow } from '../../src/plan/compile.ts';
import { podRequest } from '../../runtime/pod-request.ts';
import { containerEnv } from '../../sidecar/container-env.ts';
import { flow } from '../fixtures/build-flow.ts';

type Shape =
  | { k: 'probe' }
  | { k: 'seq'; kids: Shape[] }
  | { k: 'graph'; kids: Shape[]; chain: boolean }
  | { k: 'fan'; values: Array<string | number>; kid: Shape }
  | { k: 'cycle'; rounds: number; kid: Shape }
  | { k: 'pod'; kid: Shape }
  | { k: 'use'; kid: Shape };

const shapeArb: fc.Arbitrary<Shape> = fc.letrec<{ node: Shape }>((tie) => ({
  node: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constant<Shape>({ k: 'probe' }),
    fc.record({ k: fc.constant('seq' as const), kids: fc.array(tie('node'), { minLength: 1, maxLength: 3 }) }),
    fc.record({ k: fc.constant('graph' as const), kids: fc.array(tie('node'), { minLength: 1, maxLength: 3 }), chain: fc.boolean() }),
    fc.record({ k: fc.constant('fan' as const), values: fc.uniqueArray(fc.oneof(fc.constantFrom('eu', 'us', 'asia'), fc.integer({ min: 0, max: 9 })), { minLength: 0, maxLength: 3 }), kid: tie('node') }),
    fc.record({ k: fc.constant('cycle' as const), rounds: fc.integer({ min: 1, max: 2 }), kid: tie('node') }),
    fc.record({ k: fc.constant('pod' as const), kid: tie('node') }),
    fc.record({ k: fc.constant('use' as const), kid: tie('node') }),
  ),
})).node;

const PARAMS = { rp: 1 };
// No spec.params: the probe takes whatever its with gives (flow/undeclared-params.ts).
const probeLib = flow({ id: 'main', task: { image: 'probe' } }, { name: 'probe' });

/** Names of fan-outs (their `as`) and used flows, given once per Shape node. */
function namesOf(shape: Shape): Map<Shape, string> {
  const names = new Map<Shape, string>();
  const visit = (s: Shape): void => {
    if (s.k === 'fan' || s.k === 'use') names.set(s, `${s.k === 'fan' ? 'f' : 'lib'}${names.size}`);
    if ('kid' in s) visit(s.kid);
    if ('kids' in s) s.kids.forEach(visit);
  };
  visit(shape);
  return names;
}

/** A unit's root adds a segment only when it is a leaf: here, a pod outside any pod. */
const unitRootSeg = (s: Shape, inPod: boolean) => (s.k === 'pod' && !inPod ? 'top' : '');

/** A Shape as Flow nodes, and the lib flows its `use` nodes need. */
function build(shape: Shape, names: Map<Shape, string>): { root: unknown; libs: FlowDocument[] } {
  const libs: FlowDocument[] = [probeLib];
  const toNode = (s: Shape, id: string, fans: string[], inPod: boolean, podTop: boolean): Record<string, unknown> => {
    switch (s.k) {
      case 'probe': {
        const withs: Record<string, unknown> = { params: { var: 'params' }, round: { var: 'round' } };
        for (const f of fans) withs[f] = { var: f };
        if (!inPod) withs.pre = { var: 'results.pre' };
        if (podTop) withs.ppre = { result: './ppre' };
        return { id, use: 'probe@1', with: withs };
      }
      case 'seq': return { id, sequence: s.kids.map((k, i) => toNode(k, `s${i}`, fans, inPod, false)) };
      case 'graph': return { id, graph: { nodes: Object.fromEntries(s.kids.map((k, i) => [`g${i}`, { ...toNode(k, `g${i}`, fans, inPod, false), ...(s.chain && i > 0 ? { dependsOn: [`g${i - 1}`] } : {}) }])) } };
      case 'fan': {
        const as = names.get(s)!;
        return { id, fanOut: { over: s.values, as, do: toNode(s.kid, 'item', [...fans, as], inPod, false) } };
      }
      case 'cycle': return { id, cycle: { rounds: s.rounds, ring: [toNode(s.kid, 'm', fans, inPod, false)] } };
      case 'pod': {
        if (inPod) return toNode(s.kid, id, fans, inPod, false); // no pod in a pod: the inside only
        return { id, pod: { flow: { sequence: [{ id: 'ppre', task: { image: 'x' } }, toNode({ k: 'probe' }, 'q', fans, true, true), toNode(s.kid, 'body', fans, true, false)] } } };
      }
      case 'use': {
        const name = names.get(s)!;
        libs.push(flow(toNode(s.kid, 'top', fans, inPod, false), { name, params: { lp: name, w: null } }));
        return { id, use: `${name}@1`, with: { w: 'given' } };
      }
    }
  };
  const root = { sequence: [{ id: 'pre', task: { image: 'x' } }, { id: 'pre.v1', task: { image: 'x' } }, toNode(shape, 'tree', [], false, false)] };
  return { root, libs };
}

interface Expected {
  items: Record<string, JsonValue>;
  item?: JsonValue;
  round?: number;
  params: Record<string, JsonValue>;
  pre?: string;
  ppre?: string;
}

/** Every probe instance (the step id of its task) and what it must read, from the Shape alone. */
function expectedProbes(shape: Shape, names: Map<Shape, string>): Map<string, Expected> {
  const out = new Map<string, Expected>();
  const join = (a: string, b: string) => (a === '' ? b : `${a}/${b}`);
  interface Ctx { items: Record<string, JsonValue>; item?: JsonValue; round?: number; params: Record<string, JsonValue>; pod?: string }
  const probe = (id: string, c: Ctx, ppre?: string) => {
    out.set(join(id, 'main'), { items: c.items, ...(c.item !== undefined ? { item: c.item } : {}), ...(c.round !== undefined ? { round: c.round } : {}), params: c.params, ...(c.pod === undefined ? { pre: 'pre' } : {}), ...(ppre ? { ppre } : {}) });
  };
  const walk = (s: Shape, id: string, c: Ctx): void => {
    switch (s.k) {
      case 'probe': return probe(id, c);
      case 'seq': return s.kids.forEach((k, i) => walk(k, join(id, `s${i}`), c));
      case 'graph': return s.kids.forEach((k, i) => walk(k, join(id, `g${i}`), c));
      case 'fan': {
        const as = names.get(s)!;
        // Item i is the step `fan/i`: the `do` node is that step.
        return s.values.forEach((v, i) => walk(s.kid, join(id, String(i)), { ...c, items: { ...c.items, [as]: v }, item: v }));
      }
      case 'cycle': for (let r = 0; r < s.rounds; r++) walk(s.kid, join(id, `m#${r}`), { ...c, round: r }); return;
      case 'pod': {
        if (c.pod !== undefined) return walk(s.kid, id, c);
        const pc = { ...c, pod: id };
        probe(join(id, 'q'), pc, join(id, 'ppre'));
        return walk(s.kid, join(id, 'body'), pc);
      }
      case 'use': {
        const seg = unitRootSeg(s.kid, c.pod !== undefined);
        return walk(s.kid, seg ? join(id, seg) : id, { ...c, params: { lp: names.get(s)!, w: 'given' } });
      }
    }
  };
  walk(shape, 'tree', { items: {}, params: PARAMS });
  return out;
}

/** The environment and json-logic reads of every probe task run, macro and micro, through the real code paths. */
function runAll(root: unknown, libs: FlowDocument[]): Map<string, { env: Record<string, string>; reads: Record<string, JsonValue> }> {
  const byRef = new Map(libs.map((l) => [`${l.metadata.name}@${l.metadata.version}`, l]));
  const c = compileFlow(flow(root, { params: PARAMS }), (ref) => byRef.get(ref));
  const seen = new Map<string, { env: Record<string, string>; reads: Record<string, JsonValue> }>();
  const record = (cmd: StartCommand, env: Record<string, string>) => {
    if (cmd.task?.image === 'probe') seen.set(cmd.step, { env, reads: cmd.env.params });
  };
  drive(new RunEngine(c.root, { params: c.params }), (cmd) => {
    const req = podRequest('r', cmd, { inputsDir: '', outputsDir: '', artifactsDir: '' });
    if (cmd.kind !== 'pod') return record(cmd, req.env);
    // The pod's inside, as the quarterback runs it: its engine with the scope the pod hands it.
    const pod = req.pod!;
    drive(new RunEngine(pod.body, { params: pod.params, prefix: cmd.step, scope: podScope(pod) }), (inner) => {
      record(inner, containerEnv({ base: {}, runId: 'r', step: inner.step, attempt: inner.attempt, inputsDir: '', outputsDir: '', scratchDir: '', ipcDir: '', port: 1, peers: { list: [] }, params: inner.env.params, item: inner.env.item, items: inner.env.items, round: inner.env.round }));
    });
  });
  return seen;
}

/** Every started leaf succeeds with its step id as its result, a tick at a time. */
function drive(e: RunEngine, onStart: (cmd: StartCommand) => void): void {
  let cmds: Command[] = e.start();
  for (let guard = 0; guard < 10_000 && cmds.length > 0; guard++) {
    const events: EngineEvent[] = [];
    for (const cmd of cmds) {
      if (cmd.type !== 'start') continue;
      onStart(cmd);
      events.push({ type: 'finished', step: cmd.step, attempt: cmd.attempt, ok: true, result: cmd.step });
    }
    if (events.length === 0) break;
    cmds = e.apply(events);
  }
  expect(e.status).toBe('succeeded');
}

describe('what a step reads, on random nested flows', () => {
  it('each enclosing item by its name, the round, params and results: in json-logic and in the environment, at both levels', () => {
    fc.assert(
      fc.property(shapeArb, (shape) => {
        const names = namesOf(shape);
        const { root, libs } = build(shape, names);
        const want = expectedProbes(shape, names);
        const got = runAll(root, libs);
        expect([...got.keys()].sort()).toEqual([...want.keys()].sort());
        for (const [step, w] of want) {
          const { env, reads } = got.get(step)!;
          // json-logic (the probe's `with`, evaluated where the probe stands)
          const names = Object.keys(w.items);
          expect(Object.fromEntries(names.map((f) => [f, reads[f]])), step).toEqual(w.items);
          expect(reads.round, step).toEqual(w.round ?? null);
          expect(reads.params, step).toEqual(w.params);
          if (w.pre) expect(reads.pre, step).toBe(w.pre);
          if (w.ppre) expect(reads.ppre, step).toBe(w.ppre);
          // the environment (DESIGN.md section 4)
          expect(env.STRATA_ITEMS === undefined ? {} : JSON.parse(env.STRATA_ITEMS), step).toEqual(w.items);
          expect(Object.keys(env.STRATA_ITEMS === undefined ? {} : JSON.parse(env.STRATA_ITEMS)), step).toEqual(names);
          expect(env.STRATA_ITEM === undefined ? undefined : JSON.parse(env.STRATA_ITEM), step).toEqual(w.item);
          expect(env.STRATA_ROUND, step).toBe(w.round === undefined ? undefined : String(w.round));
          expect(JSON.parse(env.STRATA_PARAMS), step).toEqual(reads);
        }
      }),
      { numRuns: 300, seed: 8 },
    );
  });
});

/**
 * DESIGN.md section 3's tick rules, simulated independently of the engine on the Shape: a
 * leaf started in tick t ends before tick t+1; a composite takes no tick (a sequence's next
 * child starts when the last ended, a graph node when its dependencies ended, fan-out items
 * and a pod's or unit's inside at once); a tick lists its leaves in declared order.
 */
function simulate(shape: Shape): string[][] {
  const starts: Array<{ id: string; tick: number; pos: number[] }> = [];
  const join = (a: string, b: string) => (a === '' ? b : `${a}/${b}`);
  const leaf = (id: string, t: number, pos: number[]) => (starts.push({ id, tick: t, pos }), t + 1);
  /** Returns the tick at whose start the node has ended. */
  const run = (s: Shape, id: string, t: number, pos: number[], inPod: boolean): number => {
    switch (s.k) {
      case 'probe': return leaf(join(id, 'main'), t, pos);
      case 'seq': return s.kids.reduce((at, k, i) => run(k, join(id, `s${i}`), at, [...pos, i], inPod), t);
      case 'graph': {
        let end = t;
        let prev = t;
        s.kids.forEach((k, i) => {
          const e = run(k, join(id, `g${i}`), s.chain ? prev : t, [...pos, i], inPod);
          prev = e;
          end = Math.max(end, e);
        });
        return end;
      }
      case 'fan': return s.values.reduce<number>((end, _v, i) => Math.max(end, run(s.kid, join(id, String(i)), t, [...pos, i], inPod)), t);
      case 'cycle': {
        let at = t;
        for (let r = 0; r < s.rounds; r++) at = run(s.kid, join(id, `m#${r}`), at, [...pos, r], inPod);
        return at;
      }
      case 'pod': {
        if (inPod) return run(s.kid, id, t, pos, inPod);
        const a = leaf(join(id, 'ppre'), t, [...pos, 0, 0]);
        const b = leaf(join(id, 'q/main'), a, [...pos, 0, 1]);
        return run(s.kid, join(id, 'body'), b, [...pos, 0, 2], true);
      }
      case 'use': {
        const seg = unitRootSeg(s.kid, inPod);
        return run(s.kid, seg ? join(id, seg) : id, t, [...pos, 0], inPod);
      }
    }
  };
  let t = leaf('pre', 0, [0]);
  t = leaf('pre.v1', t, [1]);
  run(shape, 'tree', t, [2], false);
  const ticks: string[][] = [];
  for (const s of starts.sort((a, b) => a.tick - b.tick || cmp(a.pos, b.pos))) (ticks[s.tick] ??= []).push(s.id);
  return ticks.filter((x) => x !== undefined);
}

function cmp(a: number[], b: number[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return a[i] - b[i];
  return a.length - b.length;
}

describe('the dry run against an independent simulator of the tick rules', () => {
  it('gives the same ticks, pods simulated as composites whose containers are the leaves', () => {
    fc.assert(
      fc.property(shapeArb, (shape) => {
        const { root, libs } = build(shape, namesOf(shape));
        const byRef = new Map(libs.map((l) => [`${l.metadata.name}@${l.metadata.version}`, l]));
        const c = compileFlow(flow(root, { params: PARAMS }), (ref) => byRef.get(ref));
        const r = dryRun(c.root, c.params);
        expect(r.status).toBe('succeeded');
        expect(r.order).toEqual(simulate(shape));
      }),
      { numRuns: 300, seed: 8 },
    );
  });
});
