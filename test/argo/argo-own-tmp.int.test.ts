/**
 * A /tmp of its own for every container on the local runtime (issue 12, Argo tester's fault
 * 4), through the real stack: documents sent as they are to `POST /v1/runs`, run on the
 * local runtime with real HTTP, Redis, BullMQ and processes.
 */
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { RunView } from '../../src/run/run-view.ts';
import { useRunService } from '../support/use-run-service.ts';

const FIXTURES = join(import.meta.dirname, '..', 'fixtures');
const read = (path: string): string => readFileSync(join(FIXTURES, path), 'utf8');

const svc = useRunService();

/** Run a fixture: an Argo document is sent as it is, a strata Flow as `{ flow }`. */
const post = (path: string): Promise<RunView> => svc.runToEnd(path.startsWith('argo/') ? read(path) : { flow: parse(read(path)) });

describe('a /tmp of its own for every container (fault 4)', { timeout: 120_000 }, () => {
  const probes = ['/tmp/strata-own-tmp-argo', '/tmp/strata-own-tmp-argo-leak', '/tmp/strata-own-tmp-flow'];
  beforeAll(() => {
    for (const p of probes) rmSync(p, { force: true });
  });

  it('an Argo workflow: parallel steps, a loop\'s items and a containerSet\'s containers each see their own /tmp, and leave nothing in the host\'s', async () => {
    const run = await post('argo/environment/own-tmp.yaml');
    expect(run.status, run.error ?? '').toBe('succeeded');
    const result = (id: string) => run.steps[id]?.result;
    expect([result('w1'), result('w2'), result('loop/0'), result('loop/1'), result('loop/2'), result('after')]).toEqual(['one', 'two', 'a', 'b', 'c', 'last']);
    // Declared output parameters are read from each container's own /tmp.
    expect(run.steps.w1.parameters).toEqual({ p: 'one' });
    // The containerSet's containers are one pod: each has its own /tmp all the same.
    expect([result('set/first'), result('set/second'), result('set/main')]).toEqual(['first', 'second', 'main']);
    for (const p of probes) expect(existsSync(p), p).toBe(false);
  });

  it('a strata flow: a fan-out\'s items (pods) and a pod\'s containers each see their own /tmp, and leave nothing in the host\'s', async () => {
    const run = await post('flows/environment/own-tmp.yaml');
    expect(run.status, run.error ?? '').toBe('succeeded');
    expect(['items/0', 'items/1', 'items/2'].map((id) => run.steps[id]?.result)).toEqual(['a', 'b', 'c']);
    expect(['pod/0', 'pod/1', 'pod/2'].map((id) => run.steps[id]?.result)).toEqual(['x', 'y', 'z']);
    for (const p of probes) expect(existsSync(p), p).toBe(false);
  });
});
