/**
 * `strata logs RUN [STEP] [-f]`: a step's logs, or every step's with each line prefixed
 * by its step (as `argo logs` and `tkn pr logs` print), step after step in plan order (as
 * `strata runs get` lists them); `-f` follows them through the run's log stream (`GET
 * /v1/runs/:id/logs`, server-sent events pushed as steps write) until the run ends, lines
 * in the order they arrive: steps that run at once write at once. Each execution of a step after the first opens with the worker's
 * mark (`--- attempt 1 (run 2) ---`, src/run/attempt-label.ts); a log that has such marks
 * but does not start with one gets `--- attempt 1 (run 1) ---` first, so every part says which
 * execution wrote it: the stored view, and `-f` for the log it starts from. A follower that
 * printed a step's first execution before any mark existed cannot name it afterwards: its
 * part stays unnamed and the next opens with the worker's mark.
 */
import type { RunView } from '../run/run-view.ts';
import type { LogChunk } from '../store/run-store.ts';
import { stepPath, type Client } from './api-client.ts';
import { printable } from './output.ts';
import { planOrderOf } from './plan-order-of.ts';
import { followSse } from './sse-follow.ts';

/** The line a log cut to its last STRATA_MAX_LOG_BYTES opens with (store/lua/log-append-2.lua). */
const CUT = /^\[earlier output cut[^\]\n]*\]\n/;
const MARK = /(^|\n)--- attempt \d+[^\n]* ---\n/;
const FIRST = '--- attempt 1 (run 1) ---\n';

/** Whole lines, each prefixed, as they come; a line without its newline yet waits for it (or for the end). */
function printer(write: (s: string) => void, prefix: (step: string) => string) {
  const partial = new Map<string, string>();
  const lines = (step: string, text: string) => {
    if (text === '') return;
    write(text.split('\n').map((l, i, all) => (i === all.length - 1 && l === '' ? '' : `${prefix(step)}${l}`)).join('\n') + (text.endsWith('\n') ? '' : '\n'));
  };
  return {
    add(step: string, text: string) {
      const fresh = (partial.get(step) ?? '') + text;
      const cut = fresh.lastIndexOf('\n') + 1;
      partial.set(step, fresh.slice(cut));
      lines(step, fresh.slice(0, cut));
    },
    flush() {
      for (const [step, rest] of partial) lines(step, rest);
      partial.clear();
    },
  };
}

/** A step's whole log as printed: the first execution named when later ones are marked. */
export function withExecutions(text: string): string {
  const cut = CUT.exec(text)?.[0] ?? '';
  const body = text.slice(cut.length);
  if (!MARK.test(body) || /^\n?--- attempt /.test(body)) return text;
  return `${cut}${FIRST}${body}`;
}

export async function logsCommand(client: Client, runId: string, step: string | undefined, o: { follow?: boolean }, write: (s: string) => void): Promise<void> {
  const run = `/v1/runs/${encodeURIComponent(runId)}`;
  const out = printer(write, (s) => (step === undefined ? `${s}: ` : ''));
  if (o.follow) {
    // Each step's first chunk is the log as kept; `offset` lets a reconnect skip what was printed.
    const printed = new Map<string, number>();
    await followSse(client, `${run}/logs${step !== undefined ? `?step=${encodeURIComponent(step)}` : ''}`, (m) => {
      if (m.event !== 'log') return;
      const c = JSON.parse(m.data) as LogChunk;
      const have = printed.get(c.step) ?? 0;
      if (c.offset <= have) return;
      const bytes = Buffer.from(c.text);
      // A step's first chunk is its log from the start (as kept, or as it began): named as the stored view names it.
      out.add(c.step, have === 0 ? withExecutions(c.text) : c.offset - have >= bytes.length ? c.text : bytes.subarray(bytes.length - (c.offset - have)).toString());
      printed.set(c.step, c.offset);
    }, { note: (s) => void process.stderr.write(`${printable(s, { lines: true })}\n`) });
    return out.flush();
  }
  const view = (await client.call('GET', run)) as RunView;
  if (step !== undefined && !(step in view.steps)) {
    await client.text(`${run}/steps/${stepPath(step)}/logs`); // the API's 404, in its words
  }
  const ran = (s: string) => view.steps[s].status !== 'pending' && view.steps[s].status !== 'skipped';
  // Plan order, as `strata runs get` lists them: start times put a step run again (runs retry) after steps that ran later in the plan.
  const steps = step !== undefined ? [step] : (await planOrderOf(client, runId))(Object.keys(view.steps).filter(ran));
  for (const s of steps) {
    out.add(s, withExecutions(await client.text(`${run}/steps/${stepPath(s)}/logs`)));
    out.flush();
  }
}
