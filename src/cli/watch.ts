/**
 * Follow a run's server-sent events and print progress as it happens (sse-follow.ts: a
 * dropped connection is taken up again with `Last-Event-ID`, so no event is printed twice
 * or missed). The counter is `[ended/known done]` over the run's steps, each counted once
 * by its latest state, so a retried run counts a step run again once.
 */
import type { RunView, StepEvent } from '../run/run-view.ts';
import type { Client } from './api-client.ts';
import { printable } from './output.ts';
import { MARK } from './run-tree.ts';
import { followSse, type FollowOptions } from './sse-follow.ts';

export type WatchOptions = FollowOptions;

const ENDED = new Set(['succeeded', 'failed', 'skipped', 'cancelled']);

/** How a step event names which go it is: its attempt, and its execution when the attempt was run again (a takeover, an infrastructure retry). */
export function goOf(e: Pick<StepEvent, 'attempt' | 'execution' | 'pod'>): string {
  const parts = [
    ...(e.attempt && e.attempt > 1 ? [`attempt ${e.attempt}`] : []),
    ...(e.execution && e.execution > 1 ? [`execution ${e.execution}`] : []),
    ...(e.pod && (e.pod.attempt > 1 || e.pod.execution > 1) ? [`in pod attempt ${e.pod.attempt}${e.pod.execution > 1 ? ` execution ${e.pod.execution}` : ''}`] : []),
  ];
  return parts.length > 0 ? ` (${parts.join(', ')})` : '';
}

/** Print events until the run ends; returns the final run. */
export async function watchRun(client: Client, runId: string, out: (s: string) => void, o: WatchOptions = {}): Promise<RunView> {
  const path = `/v1/runs/${encodeURIComponent(runId)}`;
  // Every step the run knows of counts towards the total, and steps made at run time (fan-out items) as they appear.
  const status = new Map<string, string>(Object.keys(((await client.call('GET', path)) as RunView).steps).map((s) => [s, 'pending']));
  await followSse(client, `${path}/events`, (m) => {
    const e = JSON.parse(m.data) as StepEvent;
    const time = e.at.slice(11, 19);
    if (e.run) return out(`${time} run ${runId} ${e.status}`);
    status.set(e.step, e.status);
    const done = [...status.values()].filter((s) => ENDED.has(s)).length;
    // A step's error holds what its program wrote: shown printable, never sent to the terminal as is.
    out(printable(`${time} ${MARK[e.status] ?? ' '} ${e.step} ${e.status}${goOf(e)}${e.error ? `: ${e.error}` : ''}  [${done}/${status.size} done]`));
  }, o);
  return client.call('GET', path);
}

/** A short summary of a run: status counts and failed steps. */
export function summarize(run: RunView): string {
  const counts = new Map<string, number>();
  for (const s of Object.values(run.steps)) counts.set(s.status, (counts.get(s.status) ?? 0) + 1);
  const lines = [`run ${run.id} ${run.status}: ${[...counts].map(([k, v]) => `${v} ${k}`).join(', ')}`];
  for (const [id, s] of Object.entries(run.steps)) if (s.status === 'failed') lines.push(`  ✗ ${id}: ${s.error ?? 'failed'}`);
  if (run.error) lines.push(`  error: ${run.error}`);
  return lines.map((l) => printable(l)).join('\n');
}
