/**
 * A run-wide limit on the steps running at once (issue 12, Argo tester's fault 6: Argo's
 * `spec.parallelism`, strata's `spec.parallelism`), through the real stack: documents sent
 * as they are to `POST /v1/runs` or through the `strata` CLI, run on the local runtime with
 * real HTTP, Redis, BullMQ and processes, observed through the run's start and end records.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runStrata } from '../support/processes.ts';
import { cliEnv, useRunService } from '../support/use-run-service.ts';

const FIXTURES = join(import.meta.dirname, '..', 'fixtures');
const read = (path: string): string => readFileSync(join(FIXTURES, path), 'utf8');

const svc = useRunService();
const env = cliEnv(svc);

/** The step events of a run, in the order its log recorded them (the stream ends with the ended run). */
async function stepEvents(runId: string): Promise<Array<{ step: string; status: string }>> {
  const text = await (await fetch(`${svc.url}/v1/runs/${runId}/events`)).text();
  return text.split('\n\n').filter((b) => /^event: step$/m.test(b)).map((b) => JSON.parse(/^data: (.*)$/m.exec(b)![1]) as { step: string; status: string });
}

/** The most steps `counted` running at once, replaying the run's start and end records in order. */
function mostAtOnce(events: Array<{ step: string; status: string }>, counted: (step: string) => boolean): number {
  const running = new Set<string>();
  let most = 0;
  for (const e of events.filter((x) => counted(x.step))) {
    if (e.status === 'running') running.add(e.step);
    else running.delete(e.step);
    most = Math.max(most, running.size);
  }
  return most;
}

describe('spec.parallelism limits the whole run (fault 6)', { timeout: 120_000 }, () => {
  it('an Argo workflow: a DAG of two looped tasks with parallelism 2 never runs more than two items at once', async () => {
    const r = await svc.call('POST', '/v1/runs', read('argo/environment/run-parallelism.yaml'));
    expect(r.status, JSON.stringify(r.body)).toBe(202);
    const run = await svc.waitRun(r.body.runId, 90_000);
    expect(run.status, run.error ?? '').toBe('succeeded');
    const items = ['x/each/0', 'x/each/1', 'x/each/2', 'y/each/0', 'y/each/1', 'y/each/2'];
    expect(items.map((id) => run.steps[id]?.result)).toEqual(['a', 'b', 'c', 'a', 'b', 'c']);
    const events = await stepEvents(r.body.runId);
    // Six items started in all, at most two (and so exactly two, with six ready at once) running at any point of the log.
    expect(events.filter((e) => e.status === 'running' && items.includes(e.step)).length).toBe(6);
    expect(mostAtOnce(events, (s) => items.includes(s))).toBe(2);
  });

  it('a strata flow through the CLI: a graph\'s fan-outs, a used unit and a pod (one step) never more than two at once; the dry run shows it', async () => {
    const file = join(FIXTURES, 'flows/environment/run-parallelism.yaml');
    const applied = await runStrata(['apply', file, '--run', '--watch'], env);
    expect(applied.code, applied.stdout + applied.stderr).toBe(0);
    const runId = /run (\S+) started/.exec(applied.stdout)![1];
    const run = await svc.waitRun(runId, 90_000);
    expect(run.status, run.error ?? '').toBe('succeeded');
    const macro = ['a/0', 'a/1', 'a/2', 'b/0', 'b/1', 'b/2', 'c'];
    expect(macro.map((id) => run.steps[id]?.status)).toEqual(Array(7).fill('succeeded'));
    expect(mostAtOnce(await stepEvents(runId), (s) => macro.includes(s))).toBe(2);
    const plan = await runStrata(['plan', file, '--dry-run'], {});
    expect(plan.code, plan.stderr).toBe(0);
    const order = (JSON.parse(plan.stdout) as { order: string[][] }).order;
    // In the dry run a pod's containers are simulated in place; the run's steps (a pod's containers not among them) are never more than two a tick.
    expect(order.map((tick) => tick.filter((s) => !s.startsWith('c/')).length).every((n) => n <= 2)).toBe(true);
    expect(order.flat().filter((s) => macro.includes(s)).sort()).toEqual(macro.filter((s) => s !== 'c').sort());
  });
});
