/**
 * `retryWhole` on a composite (docs/flow-language.md, Retries with back-off): a failed
 * sequence or graph runs again from its start, up to its limit, after its back-off; what
 * succeeded before it and after it runs once. Through real runs at both levels (the run's
 * root, and inside a pod driven by its quarterback); each step appends a line to a file of
 * its own, so the lines count how often it ran (Argo tester 7, R5, which the Argo importer
 * maps spec.retryStrategy onto).
 */
import { describe, expect, it } from 'vitest';
import { LEVELS } from '../support/levels.ts';
import { runAtLevel } from '../support/level-runs.ts';
import { linesIn as lines, useTempDirs } from '../support/temp-dirs.ts';
import { useRunService } from '../support/use-run-service.ts';

const svc = useRunService({ STRATA_WORKER_CONCURRENCY: '4' });
const tempDir = useTempDirs('retry-whole-');

/** A step that appends a line to `dir/name` and prints how many lines it has, then runs `then` (sh). */
const step = (name: string, then = 'true') => ({ task: { image: 'alpine', command: ['sh', '-c', `echo x >> "$1/${name}" && wc -l < "$1/${name}" && ${then}`, 'sh', '{{ params.dir }}'], result: 'stdout' } });
const mark = (id: string, name: string, then = 'true') => ({ id, ...step(name, then) });
/** Succeeds once `count` has run at least `n` times. */
const countAtLeast = (n: number) => `test $(wc -l < "$1/count") -ge ${n}`;

describe.each(LEVELS)('retryWhole ($name)', (level) => {
  it('a failed sequence runs again whole after its back-off; the steps before and after it run once', async () => {
    const dir = tempDir();
    const root = {
      sequence: [
        mark('before', 'before'),
        { id: 'grp', retryWhole: { limit: 3, backoff: { duration: '0.1s' } }, sequence: [mark('count', 'count'), mark('check', 'check', countAtLeast(3))] },
        mark('after', 'after'),
      ],
    };
    const { run, steps } = await runAtLevel(svc, level, root, { params: { dir }, timeoutMs: 60_000 });
    expect(run.status, JSON.stringify(run.steps)).toBe('succeeded');
    expect([lines(dir, 'before'), lines(dir, 'count'), lines(dir, 'check'), lines(dir, 'after')]).toEqual([1, 3, 3, 1]);
    // The last attempt's results are the ones kept.
    expect(steps['grp/count'].result).toBe(3);
    expect(steps['grp/check'].status).toBe('succeeded');
  }, 90_000);

  it('a graph that keeps failing runs limit + 1 times, then fails the run; its leaves\' own retries hold in each attempt', async () => {
    const dir = tempDir();
    const root = {
      graph: {
        nodes: {
          count: step('count'),
          check: { ...step('check', 'false'), retries: 1, dependsOn: ['count'] },
        },
      },
      retryWhole: { limit: 1 },
    };
    const { run } = await runAtLevel(svc, level, root, { params: { dir }, timeoutMs: 60_000 });
    expect(run.status).toBe('failed');
    expect([lines(dir, 'count'), lines(dir, 'check')]).toEqual([2, 4]);
  }, 90_000);
});

describe('retryWhole is refused where it means nothing', () => {
  it('on a task (a leaf takes retry): 400 naming the field', async () => {
    const flow = { apiVersion: 'strata/v1', kind: 'Flow', metadata: { name: 'f', version: '1' }, spec: { root: { task: { image: 'alpine', command: ['true'] }, retryWhole: { limit: 1 } } } };
    const r = await svc.call('POST', '/v1/runs', { flow });
    expect(r.status).toBe(400);
    expect(r.text).toContain('spec.root.retryWhole');
    expect(r.text).toContain('a task takes retry');
  });
});
