/** `--watch`: follow a run's server-sent events and print progress as it happens. */
import type { RunView, StepEvent } from '../run/run-view.ts';
import type { Client } from './api-client.ts';

const MARK: Record<string, string> = { running: '▶', succeeded: '✓', failed: '✗', skipped: '–', cancelled: '■', pending: '·' };

/** Print events until the run ends; returns the final run. */
export async function watchRun(client: Client, runId: string, out: (s: string) => void): Promise<RunView> {
  const body = await client.stream(`/v1/runs/${encodeURIComponent(runId)}/events`);
  const decoder = new TextDecoder();
  let buffer = '';
  let done = 0;
  const reader = body.getReader();
  for (;;) {
    const { value, done: end } = await reader.read();
    if (end) break;
    buffer += decoder.decode(value, { stream: true });
    let cut;
    while ((cut = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, cut);
      buffer = buffer.slice(cut + 2);
      const event = /^event: (.*)$/m.exec(block)?.[1];
      const data = /^data: (.*)$/m.exec(block)?.[1];
      if (!data || event === 'end') continue;
      const e = JSON.parse(data) as StepEvent;
      const time = e.at.slice(11, 19);
      if (e.run) out(`${time} run ${runId} ${e.status}`);
      else {
        if (e.status === 'succeeded' || e.status === 'failed') done++;
        out(`${time} ${MARK[e.status] ?? ' '} ${e.step} ${e.status}${e.attempt && e.attempt > 1 ? ` (attempt ${e.attempt})` : ''}${e.error ? `: ${e.error}` : ''}  [${done} done]`);
      }
    }
  }
  return client.call('GET', `/v1/runs/${encodeURIComponent(runId)}`);
}

/** A short summary of a run: status counts and failed steps. */
export function summarize(run: RunView): string {
  const counts = new Map<string, number>();
  for (const s of Object.values(run.steps)) counts.set(s.status, (counts.get(s.status) ?? 0) + 1);
  const lines = [`run ${run.id} ${run.status}: ${[...counts].map(([k, v]) => `${v} ${k}`).join(', ')}`];
  for (const [id, s] of Object.entries(run.steps)) if (s.status === 'failed') lines.push(`  ✗ ${id}: ${s.error ?? 'failed'}`);
  if (run.error) lines.push(`  error: ${run.error}`);
  return lines.join('\n');
}
