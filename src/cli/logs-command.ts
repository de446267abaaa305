/**
 * `strata logs RUN [STEP] [-f]`: a step's logs, or every step's with each line prefixed
 * by its step (as `argo logs` and `tkn pr logs` print); `-f` follows them until the run ends.
 */
import type { RunView } from '../run/run-view.ts';
import { stepPath, type Client } from './api-client.ts';

const ENDED = new Set(['succeeded', 'failed', 'cancelled']);
const CUT = '[earlier output cut]\n';

export async function logsCommand(client: Client, runId: string, step: string | undefined, o: { follow?: boolean; pollMs?: number }, write: (s: string) => void): Promise<void> {
  const run = () => client.call('GET', `/v1/runs/${encodeURIComponent(runId)}`) as Promise<RunView>;
  const printed = new Map<string, number>();
  const partial = new Map<string, string>();
  const prefix = (s: string) => (step === undefined ? `${s}: ` : '');
  // Only whole lines are printed while following, each with its step; the rest waits for its newline.
  const show = (s: string, text: string, final: boolean) => {
    let from = printed.get(s) ?? 0;
    if (text.startsWith(CUT) && text.length < from) from = CUT.length; // the log was cut: go on from what is kept
    const fresh = (partial.get(s) ?? '') + text.slice(from);
    printed.set(s, text.length);
    const cut = final ? fresh.length : fresh.lastIndexOf('\n') + 1;
    partial.set(s, fresh.slice(cut));
    const lines = fresh.slice(0, cut);
    if (lines === '') return;
    write(lines.split('\n').map((l, i, all) => (i === all.length - 1 && l === '' ? '' : `${prefix(s)}${l}`)).join('\n') + (lines.endsWith('\n') ? '' : '\n'));
  };
  for (;;) {
    const view = await run();
    const steps = step !== undefined ? [step] : Object.keys(view.steps).filter((s) => view.steps[s].status !== 'pending' && view.steps[s].status !== 'skipped');
    if (step !== undefined && !(step in view.steps)) {
      await client.text(`/v1/runs/${encodeURIComponent(runId)}/steps/${stepPath(step)}/logs`); // the API's 404, in its words
    }
    const done = ENDED.has(view.status);
    for (const s of steps.sort((a, b) => (view.steps[a].startedAt ?? '').localeCompare(view.steps[b].startedAt ?? '') || a.localeCompare(b))) {
      show(s, await client.text(`/v1/runs/${encodeURIComponent(runId)}/steps/${stepPath(s)}/logs`), !o.follow || done);
    }
    if (!o.follow || done) return;
    await new Promise((r) => setTimeout(r, o.pollMs ?? 500));
  }
}
