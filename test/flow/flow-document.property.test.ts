/**
 * Whatever a user sends, strata answers with a plan or a StrataError: random node trees,
 * well formed or not, through validation, compilation and the dry run.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { dryRun } from '../../src/engine/dry-run.ts';
import { isStrataError } from '../../src/errors/strata-error.ts';
import { validateFlowDocument } from '../../src/flow/flow-document.ts';
import type { FlowDocument } from '../../src/flow/types.ts';
import { compileFlow } from '../../src/plan/compile.ts';
import { flow, task } from '../fixtures/build-flow.ts';

// Names that are good, reserved, or inherited by every plain object.
const name = fc.constantFrom('a', 'b', 'c', '0', '1', 'toString', 'constructor', '__proto__', 'hasOwnProperty', 'x/y', 'r#1', '');
const scalar = fc.oneof(fc.string({ maxLength: 4 }), fc.integer({ min: -2, max: 4 }), fc.boolean(), fc.constant(null));
const logic = fc.oneof(
  scalar,
  fc.record({ var: fc.constantFrom('params.items', 'item', 'round', 'last', 'outputs', 'results.a', 'constructor') }),
  fc.record({ '>': fc.tuple(fc.record({ var: fc.constantFrom('round', 'item') }), fc.integer({ min: 0, max: 3 })) }),
  fc.record({ missing_some: fc.tuple(fc.constant(1), fc.record({ var: fc.constant('nope') })) }),
  fc.record({ exec: scalar }),
  fc.array(scalar, { maxLength: 3 }),
);

const { node } = fc.letrec<{ node: unknown }>((tie) => {
  const common = { id: name, when: logic, retries: fc.oneof(fc.nat({ max: 2 }), scalar), timeout: fc.oneof(fc.nat({ max: 5 }), scalar), dependsOn: fc.oneof(fc.array(name, { maxLength: 2 }), scalar) };
  const withCommon = <T extends Record<string, fc.Arbitrary<unknown>>>(pattern: T) => fc.record({ ...common, ...pattern }, { requiredKeys: Object.keys(pattern) as Array<keyof T & string> });
  const list = fc.oneof(fc.array(tie('node'), { maxLength: 3 }), scalar);
  return {
    node: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      withCommon({ task: fc.oneof(fc.record({ image: fc.constantFrom('busybox', '') }), fc.record({ image: fc.constant('x'), inputs: fc.dictionary(fc.constantFrom('in', '../x'), fc.constantFrom('a:out', './b:o', 'bad')) }), scalar) }),
      withCommon({ generate: fc.oneof(fc.record({ image: fc.constant('gen') }), scalar) }),
      withCommon({ sequence: list }),
      withCommon({ graph: fc.oneof(fc.record({ traversal: fc.constantFrom('dfs', 'bfs', 'dependency', 'up'), maxParallel: fc.oneof(fc.nat({ max: 3 }), scalar), nodes: fc.dictionary(name, tie('node'), { maxKeys: 4 }) }, { requiredKeys: ['nodes'] }), scalar) }),
      withCommon({ fanOut: fc.record({ over: fc.oneof(fc.array(scalar, { maxLength: 3 }), logic), as: fc.constantFrom('item', 'n', '1x'), concurrency: fc.oneof(fc.nat({ max: 2 }), scalar), do: tie('node') }, { requiredKeys: ['over', 'do'] }) }),
      withCommon({ fanIn: fc.record({ from: name, do: tie('node') }, { requiredKeys: ['from', 'do'] }) }),
      withCommon({ cycle: fc.record({ ring: list, rounds: fc.oneof(fc.nat({ max: 3 }), scalar), until: logic, source: fc.constantFrom('redis-stream://k', 'file://x.jsonl', 'ftp://x'), window: fc.oneof(fc.record({ size: fc.nat({ max: 3 }) }), scalar) }, { requiredKeys: ['ring'] }) }),
      withCommon({ pod: fc.record({ name: name, flow: tie('node'), channels: fc.oneof(fc.record({ scratch: fc.constantFrom('memory', 'disk', 'tape') }), scalar) }, { requiredKeys: ['flow'] }) }),
      withCommon({ use: fc.constantFrom('lib@1', 'self@1', 'nope@1', 'bad'), with: fc.oneof(fc.dictionary(fc.constantFrom('k', 'items'), logic), scalar) }),
      fc.anything({ maxDepth: 2 }),
    ),
  };
});

// Mostly valid trees: every pattern with fields of the right shape, names that may be
// missing, inherited (toString) or cyclic. Most of these reach the compiler and the dry run.
const depName = fc.constantFrom('a', 'b', 'c', '0', '1', 'toString', 'constructor', '__proto__');
const guard = fc.constantFrom<unknown>(true, false, { var: 'params.k' }, { '>': [{ var: 'item' }, 1] }, { '>=': [{ var: 'round' }, 1] }, { missing_some: [1, { var: 'nope' }] });
const { sane } = fc.letrec<{ sane: unknown }>((tie) => {
  const guarded = (a: fc.Arbitrary<Record<string, unknown>>) => fc.tuple(a, fc.option(guard, { nil: undefined }), fc.option(fc.nat({ max: 1 }), { nil: undefined })).map(([n, when, retries]) => ({ ...n, ...(when !== undefined ? { when } : {}), ...(retries !== undefined ? { retries } : {}) }));
  const graphNodes = fc.dictionary(fc.constantFrom('a', 'b', 'c', 'd'), fc.tuple(tie('sane'), fc.array(depName, { maxLength: 2 })), { minKeys: 1, maxKeys: 4 })
    .map((d) => Object.fromEntries(Object.entries(d).map(([k, [n, deps]]) => [k, deps.length > 0 ? { ...(n as object), dependsOn: deps } : n])));
  return {
    sane: fc.oneof(
      { depthSize: 'small', maxDepth: 4 },
      guarded(fc.constant({ task: { image: 'busybox' } })),
      guarded(fc.constant({ generate: { image: 'gen' } })),
      guarded(fc.record({ use: fc.constantFrom('lib@1', 'self@1', 'nope@1'), with: fc.constant({ k: { var: 'params.k' } }) })),
      guarded(fc.record({ sequence: fc.array(tie('sane'), { minLength: 1, maxLength: 3 }) })),
      guarded(fc.record({ graph: fc.record({ traversal: fc.constantFrom('dfs', 'bfs', 'dependency'), nodes: graphNodes }) })),
      guarded(fc.record({ fanOut: fc.record({ over: fc.oneof(fc.array(fc.nat({ max: 3 }), { maxLength: 3 }), fc.constant({ var: 'params.items' })), concurrency: fc.integer({ min: 1, max: 2 }), do: tie('sane') }) })),
      guarded(fc.record({ fanIn: fc.record({ from: depName, do: tie('sane') }) })),
      guarded(fc.record({ cycle: fc.record({ ring: fc.array(tie('sane'), { minLength: 1, maxLength: 2 }), rounds: fc.integer({ min: 1, max: 3 }) }) })),
      guarded(fc.record({ pod: fc.record({ flow: tie('sane') }) })),
    ),
  };
});

const lib = flow({ sequence: [task('a'), task('b', { when: { var: 'params.k' } })] }, { name: 'lib' });

describe('any document', () => {
  const cases = [
    { name: 'random node trees, mostly malformed', root: node },
    { name: 'well-shaped node trees with missing, inherited or cyclic names', root: sane },
  ];
  for (const { name: what, root: rootArb } of cases) it(`${what}: validate, compile and dry-run, or a StrataError; never a raw exception`, () => {
    fc.assert(
      fc.property(rootArb, fc.option(fc.dictionary(fc.constantFrom('items', 'k'), logic), { nil: undefined }), (root, params) => {
        const raw = { apiVersion: 'strata/v1', kind: 'Flow', metadata: { name: 'self', version: '1' }, spec: { root, ...(params ? { params } : {}) } };
        try {
          const doc = validateFlowDocument(structuredClone(raw));
          const refs = new Map<string, FlowDocument>([['lib@1', lib], ['self@1', doc]]);
          const c = compileFlow(doc, (ref) => refs.get(ref));
          const run = dryRun(c.root, c.params, { maxSteps: 2000 });
          // A valid plan can only fail a dry run on its own data (or by passing a documented
          // limit: steps, recursion, generate depth), never on an engine fault. A recursive
          // unit holding a generate step reaches the generate depth limit (fast-check seed
          // -1833763227 found it).
          if (run.status === 'failed') expect(run.error).toMatch(/fanOut\.over gave .* not a list|fanOut\.over: |when: |use\.with\.\w+: |the run would make more than 2,?000 steps|recursion deeper than 100 units|generate nested more than \d+ units deep/);
          else expect(run.status).toBe('succeeded');
        } catch (e) {
          if (!isStrataError(e)) throw e;
          expect(e.message.length).toBeGreaterThan(0);
        }
      }),
      { numRuns: 400 },
    );
  });
});
