/**
 * The documents that start runs by themselves: a Schedule (a cron expression with a time
 * zone; a concurrency policy as Kubernetes CronJobs have) and a Hook (a URL with a token
 * of its own). Each starts a registered flow (`use`, with `with` parameters; a hook's body
 * is added to them) or ingests a Dataset (a Schedule's `dataset`; a hook's body).
 */
import { Cron } from 'croner';
import { z } from 'zod';
import { invalid, type Problem } from '../errors/strata-error.ts';
import { headerProblems } from '../flow/flow-document.ts';
import { metadataSchema, REF_PATTERN } from '../flow/task-schema.ts';
import type { JsonValue } from '../flow/types.ts';
import { check } from '../flow/zod-problems.ts';
import { labelsSchema } from '../flow/labels.ts';
import { paramNameProblems } from '../flow/param-names.ts';
import { appendAll } from '../flow/append-all.ts';

const onEnd = z.strictObject({ webhook: z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' }) });
const use = z.string().regex(REF_PATTERN, 'must be a registered flow, name@version');

/** What a trigger starts: a registered flow with parameters, or a Dataset (the run made from it). */
const starts = {
  use: use.optional(),
  with: z.record(z.string(), z.unknown()).optional(),
  labels: labelsSchema.optional(),
  onEnd: onEnd.optional(),
};

export const scheduleSpecSchema = z.strictObject({
  schedule: z.string().min(1).max(256).describe('a cron expression: 5 fields, or 6 with seconds first (croner)'),
  timeZone: z.string().max(64).default('UTC').describe('an IANA time zone the expression is read in'),
  concurrencyPolicy: z.enum(['Allow', 'Forbid', 'Replace']).default('Allow').describe('a tick while an earlier run still runs: start anyway, skip it, or cancel the earlier run first'),
  suspend: z.boolean().default(false),
  startingDeadlineSeconds: z.number().int().min(1).max(86_400).default(300).describe('a tick missed for longer (every coordinator down) is skipped'),
  ...starts,
  dataset: z.record(z.string(), z.unknown()).optional().describe('a Dataset document ingested at each tick, with ?run=true'),
});

export const hookSpecSchema = z.strictObject({
  ...starts,
  dataset: z.literal(true).optional().describe('the body is a Dataset, ingested with ?run=true'),
});

export interface Schedule {
  apiVersion: 'strata/v1';
  kind: 'Schedule';
  metadata: { name: string; labels?: Record<string, string> };
  spec: z.output<typeof scheduleSpecSchema>;
}

export interface Hook {
  apiVersion: 'strata/v1';
  kind: 'Hook';
  metadata: { name: string; labels?: Record<string, string> };
  spec: z.output<typeof hookSpecSchema>;
}

/**
 * What is wrong with a cron expression, in a sentence, or undefined. Croner also reads a
 * seventh field (the year), which no other cron does: refused, so a schedule means the
 * same in strata as in a CronJob. An expression no time matches (February 30) never fires:
 * refused too, rather than stored to do nothing.
 */
export function cronProblemOf(pattern: string, timeZone: string): string | undefined {
  const fields = pattern.trim().split(/\s+/).length;
  if (!pattern.trim().startsWith('@') && fields !== 5 && fields !== 6) {
    return `"${pattern}" has ${fields} fields; a cron expression has 5 (minute hour day-of-month month day-of-week) or 6 (seconds first)`;
  }
  let cron: Cron;
  try {
    cron = new Cron(pattern, { timezone: timeZone, paused: true });
  } catch (e) {
    return `not a cron expression croner reads in time zone ${timeZone}: ${(e as Error).message}`;
  }
  let next: Date | null;
  try {
    next = cron.nextRun();
  } catch (e) {
    return `not a cron expression croner reads in time zone ${timeZone}: ${(e as Error).message}`;
  }
  if (next === null) return `"${pattern}" never fires: no date matches it (a day a month does not have, such as February 30)`;
  return undefined;
}

/** Validate a Schedule; throws with every problem (a cron expression or time zone croner refuses among them). */
export function validateSchedule(doc: unknown): Schedule {
  const problems: Problem[] = [];
  const spec = header(doc, 'Schedule', problems) ? check(scheduleSpecSchema, (doc as { spec: unknown }).spec, 'spec', problems) : undefined;
  if (spec) {
    if ((spec.use === undefined) === (spec.dataset === undefined)) problems.push({ path: 'spec', message: 'give use (a registered flow, with `with` parameters) or dataset (a Dataset document), one of them' });
    // An unknown zone is its own problem; the expression is then read in UTC (croner throws
    // on such a zone only when asked for a date, which had made it a 500).
    const zoneKnown = isTimeZone(spec.timeZone);
    const cronProblem = cronProblemOf(spec.schedule, zoneKnown ? spec.timeZone : 'UTC');
    if (cronProblem) problems.push({ path: 'spec.schedule', message: cronProblem });
    if (!zoneKnown) problems.push({ path: 'spec.timeZone', message: `"${spec.timeZone}" is not an IANA time zone` });
    else spec.timeZone = zoneAsNamed(spec.timeZone);
    appendAll(problems, paramNameProblems(spec.with, 'spec.with'));
    (doc as { spec: unknown }).spec = spec;
  }
  if (problems.length > 0) throw invalid(problems);
  return doc as Schedule;
}

/** Validate a Hook; throws with every problem. */
export function validateHook(doc: unknown): Hook {
  const problems: Problem[] = [];
  const spec = header(doc, 'Hook', problems) ? check(hookSpecSchema, (doc as { spec: unknown }).spec, 'spec', problems) : undefined;
  if (spec && (spec.use === undefined) === (spec.dataset === undefined)) problems.push({ path: 'spec', message: 'give use (a registered flow; the body adds parameters) or dataset: true (the body is a Dataset), one of them' });
  if (spec) appendAll(problems, paramNameProblems(spec.with, 'spec.with'));
  if (spec) (doc as { spec: unknown }).spec = spec;
  if (problems.length > 0) throw invalid(problems);
  return doc as Hook;
}

function header(doc: unknown, kind: string, problems: Problem[]): boolean {
  if (!headerProblems(doc, kind, problems)) return false;
  for (const k of Object.keys(doc)) if (!['apiVersion', 'kind', 'metadata', 'spec'].includes(k)) problems.push({ path: k, message: `unknown key "${k}"` });
  check(metadataSchema, doc.metadata, 'metadata', problems);
  return true;
}

/**
 * `tz` (a zone Intl knows) in the IANA database's letter case (`europe/berlin` is stored as
 * Europe/Berlin, as lists and the UI show it); an alias (US/Pacific) stays as written rather
 * than being replaced by the zone ICU links it to.
 */
function zoneAsNamed(tz: string): string {
  const named = new Intl.DateTimeFormat('en', { timeZone: tz }).resolvedOptions().timeZone;
  return named.toLowerCase() === tz.toLowerCase() ? named : tz;
}

function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/** The parameters a trigger's run gets: its `with`, then (a hook's) body. */
export function paramsOf(spec: { with?: Record<string, unknown> }, body?: Record<string, JsonValue>): Record<string, JsonValue> {
  return { ...((spec.with ?? {}) as Record<string, JsonValue>), ...(body ?? {}) };
}
