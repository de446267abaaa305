/**
 * Follow a run's server-sent events and print progress as it happens (sse-follow.ts: a
 * dropped connection is taken up again with `Last-Event-ID`, so no event is printed twice
 * or missed). The counter is `[ended/known done]` over the run's steps, each counted once
 * by its latest state, so a retried run counts a step run again once.
 */
import { attemptLabelOf } from '../run/attempt-label.ts';
import type { RunView, StepEvent } from '../run/run-view.ts';
import type { Client } from './api-client.ts';
import { printable } from './output.ts';
import { MARK, stepCounts } from './run-tree.ts';
import { followSse, type FollowOptions } from './sse-follow.ts';

export type WatchOptions = FollowOptions;

const ENDED = new Set(['succeeded', 'failed', 'skipped', 'cancelled', 'superseded']);

/** How a step event names which go it is after its status, in attemptLabelOf's words (`, attempt 1 (run 2)`); nothing for a first go. */
export function goOf(e: Pick<StepEvent, 'attempt' | 'execution' | 'pod'>): string {
  const label = attemptLabelOf(e.attempt ?? 1, e.execution, e.pod);
  return label === '1' ? '' : `, attempt ${label}`;
}

/** Print events until the run ends; returns the final run. */
export async function watchRun(client: Client, runId: string, out: (s: string) => void, o: WatchOptions = {}): Promise<RunView> {
  const path = `/v1/runs/${encodeURIComponent(runId)}`;
  // Every step the run knows of counts towards the total, and steps made at run time (fan-out items) as they appear.
  // A big run's view holds its first steps only: its total counts too (stepsSummary).
  const first = (await client.call('GET', `${path}?summary=true`)) as RunView;
  const status = new Map<string, string>(Object.keys(first.steps).map((s) => [s, 'pending']));
  const total = first.stepsSummary?.total ?? 0;
  await followSse(client, `${path}/events`, (m) => {
    const e = JSON.parse(m.data) as StepEvent;
    const time = e.at.slice(11, 19);
    if (e.run) return out(`${time} run ${runId} ${e.status}`);
    if (e.supersede) {
      // It runs again: what its earlier attempt made beneath it counts as ended (superseded) until made again.
      const beneath = e.step === '' ? '' : `${e.step}/`;
      for (const id of status.keys()) if (id.startsWith(beneath) && id !== e.step) status.set(id, 'superseded');
      if (e.step === '') return;
    }
    status.set(e.step, e.status);
    const done = [...status.values()].filter((s) => ENDED.has(s)).length;
    // A step's error holds what its program wrote: shown printable, never sent to the terminal as is.
    out(printable(`${time} ${MARK[e.status] ?? ' '} ${e.step} ${e.status}${goOf(e)}${e.error ? `: ${e.error}` : ''}  [${done}/${Math.max(status.size, total)} done]`));
  }, o);
  return client.call('GET', `${path}?summary=true`);
}

/** A short summary of a run: status counts and failed steps (of a big run, those among its first steps, and how many more). */
export function summarize(run: RunView): string {
  const counts = Object.entries(stepCounts(run));
  const lines = [`run ${run.id} ${run.status}: ${counts.map(([k, v]) => `${v} ${k}`).join(', ')}`];
  const failed = Object.entries(run.steps).filter(([, s]) => s.status === 'failed');
  for (const [id, s] of failed) lines.push(`  ✗ ${id}: ${s.error ?? 'failed'}`);
  const unshown = (run.stepsSummary?.counts.failed ?? 0) - failed.length;
  if (unshown > 0) lines.push(`  ✗ ${unshown} more failed steps: strata runs get ${run.id} --all`);
  if (run.error) lines.push(`  error: ${run.error}`);
  return lines.map((l) => printable(l)).join('\n');
}
