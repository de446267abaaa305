/** `strata runs get`: a run as argo prints a workflow: its header, then its steps as a tree with statuses, durations and N/M progress. */
import type { RunView, StepView } from '../run/run-view.ts';
import { attemptLabel } from '../run/attempt-label.ts';
import { age, duration, labelText, printable, table } from './output.ts';
import { maxOf } from '../flow/append-all.ts';

export const MARK: Record<string, string> = { running: '▶', succeeded: '✓', failed: '✗', skipped: '–', cancelled: '■', pending: '·', superseded: '↺' };
const ENDED = new Set(['succeeded', 'failed', 'skipped', 'cancelled', 'superseded']);

/** The run's steps by status, all of them (a big run's view shows only its first steps and says the counts: stepsSummary). */
export function stepCounts(run: RunView): Record<string, number> {
  if (run.stepsSummary) return run.stepsSummary.counts;
  const counts: Record<string, number> = {};
  for (const s of Object.values(run.steps)) counts[s.status] = (counts[s.status] ?? 0) + 1;
  return counts;
}

/** Steps that have ended, out of all the run knows of. */
export function progress(run: RunView): string {
  const counts = Object.entries(stepCounts(run));
  return `${counts.filter(([s]) => ENDED.has(s)).reduce((a, [, n]) => a + n, 0)}/${counts.reduce((a, [, n]) => a + n, 0)}`;
}

/** The header and the step tree of a run, as text; `order` puts step ids in the order to list them (by id when absent). */
export function runTree(run: RunView, now = Date.now(), order?: (ids: string[]) => string[]): string {
  const runMs = run.finishedAt ? Date.parse(run.finishedAt) - Date.parse(run.createdAt) : now - Date.parse(run.createdAt);
  const head = [
    ['Name:', run.name],
    ['Run:', run.id],
    ['Flow:', run.flow],
    ['Status:', run.status],
    ...(Object.keys(run.labels ?? {}).length ? [['Labels:', labelText(run.labels)]] : []),
    ['Created:', `${run.createdAt} (${age(run.createdAt, now)} ago)`],
    ['Duration:', duration(runMs)],
    ['Progress:', progress(run)],
    ...(run.stepsSummary ? [['Steps:', Object.entries(run.stepsSummary.counts).map(([k, n]) => `${n.toLocaleString('en')} ${k}`).join(', ')]] : []),
    ...(run.retries ? [['Retries:', String(run.retries)]] : []),
    ...(run.error ? [['Error:', run.error]] : []),
  ];
  const width = maxOf(head.map((h) => h[0].length));
  const lines = head.map(([k, v]) => `${k.padEnd(width)}  ${printable(v)}`).join('\n');
  const rows = ordered(run.steps, order).map(({ id, depth, label }) => {
    const s = run.steps[id];
    const ms = s.durationMs ?? (s.startedAt && s.status === 'running' ? now - Date.parse(s.startedAt) : undefined);
    // A step run again after its worker was lost says so in its ATTEMPT: `1 (run 2)`.
    return [`${'  '.repeat(depth)}${MARK[s.status] ?? ' '} ${label}`, s.status, duration(ms), attemptText(s), s.exitCode !== undefined ? String(s.exitCode) : '', message(s)];
  });
  const cut = run.stepsSummary;
  const rest = cut ? `\n\n${(cut.total - cut.shown).toLocaleString('en')} more steps not shown (the first ${cut.shown.toLocaleString('en')} of ${cut.total.toLocaleString('en')}): \`strata runs get ${run.id} --all\` shows every step` : '';
  return `${lines}\n\n${table(['step', 'status', 'duration', 'attempt', 'exit', 'message'], rows)}${rest}`;
}

/** The ATTEMPT column: blank for a step that ran once, else its label (`attemptLabel`: `2`, `1 (run 2)`). */
export function attemptText(s: StepView): string {
  const label = attemptLabel(s);
  return label === '1' ? '' : label;
}

function message(s: StepView): string {
  const said = s.error ?? (s.item !== undefined ? `item ${JSON.stringify(s.item)}` : '');
  // An earlier attempt's record: what it was then, beside what it said.
  const m = s.status === 'superseded' ? `an earlier attempt's: ${s.was ?? 'ended'}${said ? `, ${said}` : ''}` : said;
  return m.length > 120 ? `${m.slice(0, 117)}...` : m;
}

/** Step ids by path, numbers in numeric order (fan/2 before fan/10, ring/a#2 before ring/a#10): one collator (a localeCompare per comparison made one each time). */
const BY_ID = new Intl.Collator('en', { numeric: true });

/**
 * Steps in tree order: each under the longest step id that is a prefix of its own (a
 * step's parent), children in the order `order` gives (by id when absent), shown by the
 * part after the parent.
 */
function ordered(steps: Record<string, StepView>, order?: (ids: string[]) => string[]): Array<{ id: string; depth: number; label: string }> {
  const ids = order ? order(Object.keys(steps)) : Object.keys(steps).sort(BY_ID.compare);
  const set = new Set(ids);
  const parentOf = (id: string): string | undefined => {
    for (let at = id.lastIndexOf('/'); at > 0; at = id.lastIndexOf('/', at - 1)) if (set.has(id.slice(0, at))) return id.slice(0, at);
    return undefined;
  };
  // Each id pushed onto its parent's list (a copy of the list per child took minutes for a fan-out of 20,000: R12).
  const children = new Map<string | undefined, string[]>();
  for (const id of ids) {
    const p = parentOf(id);
    const list = children.get(p);
    if (list) list.push(id);
    else children.set(p, [id]);
  }
  const out: Array<{ id: string; depth: number; label: string }> = [];
  const walk = (parent: string | undefined, depth: number) => {
    for (const id of children.get(parent) ?? []) {
      out.push({ id, depth, label: parent ? id.slice(parent.length + 1) : id });
      walk(id, depth + 1);
    }
  };
  walk(undefined, 0);
  return out;
}
