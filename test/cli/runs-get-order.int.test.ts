/**
 * `strata runs get` lists a run's steps in plan order (src/run/plan-order.ts): declared
 * order, a graph's nodes after what they depend on, a fan-out's items by number, a cycle's
 * members round by round, a pod's containers as its flow declares them. It listed them by
 * id, so `alpha` came before `zeta` that ran first. The API's `steps` stays in step-id
 * order, the order its pages go by (docs/operating.md). Real service, real CLI processes.
 */
import { describe, expect, it } from 'vitest';
import { flowDoc, shTask } from '../support/documents.ts';
import { runStrata } from '../support/processes.ts';
import { cliEnv, useRunService } from '../support/use-run-service.ts';

const svc = useRunService();
const env = cliEnv(svc);

const ok = () => shTask('true');
const root = {
  sequence: [
    { id: 'zeta', task: ok() },
    { id: 'alpha', task: ok() },
    { id: 'mid', graph: { traversal: 'dependency', nodes: { c: { dependsOn: ['b'], task: ok() }, b: { dependsOn: ['a'], task: ok() }, z: { task: ok() }, a: { task: ok() } } } },
    { id: 'fan', fanOut: { over: Array.from({ length: 11 }, (_, i) => i), do: { task: ok() } } },
    { id: 'p', pod: { flow: { sequence: [{ id: 'zz', task: ok() }, { id: 'aa', task: ok() }] } } },
    { id: 'ring', cycle: { ring: [{ id: 'y', task: ok() }, { id: 'x', task: ok() }], rounds: 2 } },
  ],
};

/** The tree as `strata runs get` prints it: each step's label indented by its depth. */
const expected = [
  'zeta', 'alpha',
  'mid', '  z', '  a', '  b', '  c',
  'fan', ...Array.from({ length: 11 }, (_, i) => `  ${i}`),
  'p', '  zz', '  aa',
  'ring', '  y#0', '  x#0', '  y#1', '  x#1',
];

/** The STEP column of `strata runs get`'s table, marks left out. */
function stepColumn(stdout: string): string[] {
  const lines = stdout.split('\n');
  const head = lines.findIndex((l) => /^STEP\s+STATUS/.test(l));
  expect(head, stdout).toBeGreaterThan(-1);
  return lines.slice(head + 1).filter((l) => l.trim() !== '').map((l) => {
    const m = /^( *)\S (\S+)/.exec(l)!;
    return `${m[1]}${m[2]}`;
  });
}

describe('strata runs get', () => {
  it('lists the steps in plan order, with and without --all', async () => {
    const run = await svc.runToEnd({ flow: flowDoc(root, 'runs-get-order') });
    expect(run.status).toBe('succeeded');
    for (const args of [['runs', 'get', run.id], ['runs', 'get', run.id, '--all']]) {
      const got = await runStrata(args, env);
      expect(got.code, got.stderr).toBe(0);
      expect(stepColumn(got.stdout), args.join(' ')).toEqual(expected);
    }
    // The API answers in step-id order, the order its pages go by.
    const ids = Object.keys((await svc.call('GET', `/v1/runs/${run.id}`)).body.steps);
    expect(ids.indexOf('alpha')).toBeLessThan(ids.indexOf('zeta'));
  }, 120_000);
});
