/**
 * `strata logs RUN` prints the steps' logs in plan order, as `strata runs get` lists them
 * (src/run/plan-order.ts): it went by startedAt, and since a step run again starts again
 * (73c5541) a step re-run by `strata runs retry` printed after the steps that ran later in
 * the run's first go. Both levels (a graph of tasks, the same graph inside a pod); a real
 * run, the real `strata runs retry` and `strata logs` as processes, real HTTP.
 *
 * The graph: `a` fails in the run's first go only after `b` has run; `b` starts only after
 * `a` has (it waits for `c`, which waits for `a`'s start file). So `a` started first, and
 * after the retry it started last; its plan place is first (declared `a`, `b`, `c`, with `b`
 * after `c`: a, c, b).
 */
import { describe, expect, it } from 'vitest';
import { flowDoc, shTask } from '../support/documents.ts';
import { runStrata } from '../support/processes.ts';
import { useTempDirs } from '../support/temp-dirs.ts';
import { cliEnv, useRunService } from '../support/use-run-service.ts';

const svc = useRunService();
const env = cliEnv(svc);
const newTempDir = useTempDirs('logs-order-');

/** The graph, its steps' files in `dir`. */
function graph(dir: string) {
  const wait = (file: string) => `until [ -f ${dir}/${file} ]; do sleep 0.05; done`;
  return {
    graph: {
      traversal: 'dependency',
      nodes: {
        a: { task: shTask(`touch ${dir}/a-started; ${wait('b-done')}; if [ -f ${dir}/a-failed ]; then echo a-again; else touch ${dir}/a-failed; echo a-first; exit 1; fi`) },
        b: { dependsOn: ['c'], task: shTask(`echo b-ran; touch ${dir}/b-done`) },
        c: { task: shTask(`${wait('a-started')}; echo c-ran`) },
      },
    },
  };
}

const levels = [
  { level: 'macro (tasks)', wrap: (node: Record<string, unknown>) => node, step: (s: string) => s },
  { level: 'micro (containers in a pod)', wrap: (node: Record<string, unknown>) => ({ id: 'p', pod: { flow: node } }), step: (s: string) => `p/${s}` },
];

/** The steps of `strata logs RUN`'s output, one per run of lines with the same prefix. */
function blocks(stdout: string): string[] {
  const out: string[] = [];
  for (const line of stdout.split('\n').filter(Boolean)) {
    const step = line.slice(0, line.indexOf(': '));
    if (out.at(-1) !== step) out.push(step);
  }
  return out;
}

describe.each(levels)('strata logs RUN, $level', ({ wrap, step }) => {
  it('prints the steps in plan order, a step re-run by runs retry in its plan place', async () => {
    const dir = newTempDir();
    const r = await svc.call('POST', '/v1/runs', { flow: flowDoc(wrap(graph(dir)), 'logs-order') });
    expect(r.status, r.text).toBe(202);
    const id = r.body.runId as string;
    const failed = await svc.waitRun(id);
    expect(failed.status, JSON.stringify(failed.steps)).toBe('failed');
    const retried = await runStrata(['runs', 'retry', id], env);
    expect(retried.code, retried.stderr).toBe(0);
    const done = await svc.waitRun(id);
    expect(done.status, JSON.stringify(done.steps)).toBe('succeeded');
    const [a, b, c] = ['a', 'b', 'c'].map(step);
    // By start time, a (re-run) now goes after b: the order the command printed.
    const started = (s: string) => done.steps[s].startedAt ?? '';
    expect(started(a) > started(b), JSON.stringify(done.steps)).toBe(true);
    expect(started(c) < started(b), JSON.stringify(done.steps)).toBe(true);

    const got = await runStrata(['logs', id], env);
    expect(got.code, got.stderr).toBe(0);
    // Each step once, in plan order (steps above the leaves, a pod's own lines, may come first).
    const seen = blocks(got.stdout);
    expect(seen.filter((s) => [a, b, c].includes(s)), got.stdout).toEqual([a, c, b]);
    expect(new Set(seen).size, got.stdout).toBe(seen.length);
    expect(got.stdout).toContain(`${a}: a-first\n`);
    expect(got.stdout).toContain(`${a}: a-again\n`);
    expect(got.stdout.indexOf(`${a}: a-first\n`)).toBeLessThan(got.stdout.indexOf(`${a}: a-again\n`));
  }, 120_000);
});

describe('strata logs RUN -f of a run that has ended', () => {
  // The log stream sent each step's kept log in the order of a Redis hash's fields: the order
  // the steps first wrote (steps running at once interleaved), past 128 fields Redis' own.
  it('prints what strata logs RUN prints: each step\'s log as kept, in plan order (a fan-out of 140 tasks, a pod\'s containers)', async () => {
    const echo = shTask('echo "item $STRATA_ITEM"');
    const root = {
      sequence: [
        { id: 'fan', fanOut: { over: Array.from({ length: 140 }, (_, i) => i), do: { task: echo } } },
        { id: 'p', pod: { flow: { sequence: [{ id: 'zz', task: shTask('echo zz') }, { id: 'aa', task: shTask('echo aa') }] } } },
      ],
    };
    const run = await svc.runToEnd({ flow: flowDoc(root, 'logs-order-follow') });
    expect(run.status, JSON.stringify(run.steps)).toBe('succeeded');
    const all = await runStrata(['logs', run.id], env);
    expect(all.code, all.stderr).toBe(0);
    const leaves = blocks(all.stdout).filter((s) => s.startsWith('fan/') || s.startsWith('p/'));
    expect(leaves).toEqual([...Array.from({ length: 140 }, (_, i) => `fan/${i}`), 'p/zz', 'p/aa']);
    const followed = await runStrata(['logs', run.id, '-f'], env);
    expect(followed.code, followed.stderr).toBe(0);
    expect(followed.stdout).toBe(all.stdout);
  }, 180_000);
});
