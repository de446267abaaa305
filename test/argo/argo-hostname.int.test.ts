/**
 * Issue 12, the hostname: on the local runtime each pod has a UTS namespace of its own
 * (bubblewrap's `--unshare-uts --hostname`) whose host name is the pod's name, so the
 * `hostname` program says what $HOSTNAME says, as in a Kubernetes pod: one per pod (a loop's
 * items each their own), shared by a pod's containers (a containerSet), never the machine's.
 * Through the real stack: the document sent as it is to `POST /v1/runs`, and `strata runs
 * submit` as a process; real Redis, BullMQ and processes.
 */
import { hostname } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RunView } from '../../src/run/run-view.ts';
import { runStrata } from '../support/processes.ts';
import { argoFixtures } from '../support/documents.ts';
import { cliEnv, useRunService } from '../support/use-run-service.ts';

const { dir, read } = argoFixtures('environment');
const FIXTURE = join(dir, 'hostname.yaml');
const svc = useRunService();
const env = cliEnv(svc);

/** Each step's `hostname` and $HOSTNAME, as the step printed them. */
function hosts(run: RunView, ids: string[]): Array<[string, string]> {
  return ids.map((id) => {
    const r = run.steps[id]?.result;
    expect(typeof r, `${id}: ${JSON.stringify(run.steps[id])}`).toBe('string');
    const [uname, env] = String(r).split(' ');
    return [uname, env];
  });
}

/** The hostnames of the fixture's run agree with the pods' names: one per pod, the machine's never. */
function checkRun(run: RunView): void {
  expect(run.status, JSON.stringify(run.steps).slice(0, 2000)).toBe('succeeded');
  const [a, b, first, main] = hosts(run, ['loop/0', 'loop/1', 'set/first', 'set/main']);
  for (const [uname, env] of [a, b, first, main]) {
    expect(uname).toBe(env);
    expect(uname).toMatch(/^strata-/);
    expect(uname).not.toBe(hostname());
  }
  // Each loop item is a pod of its own; the containerSet's containers share their pod's.
  expect(new Set([a[0], b[0], first[0]]).size).toBe(3);
  expect(main[0]).toBe(first[0]);
}

describe('each pod\'s host name is its name (issue 12, hostname)', { timeout: 60_000 }, () => {
  it('POST /v1/runs: `hostname` says $HOSTNAME in each pod, a loop\'s items differ, a containerSet\'s containers share it', async () => {
    checkRun(await svc.runToEnd(read('hostname.yaml')));
  });

  it('strata runs submit (a process): the same', async () => {
    const sub = await runStrata(['runs', 'submit', FIXTURE], env);
    expect(sub.code, sub.stderr).toBe(0);
    checkRun(await svc.waitRun(/run (\S+) submitted/.exec(sub.stdout)![1], 30_000));
  });
});
