/**
 * The answers of the API as zod schemas: what the OpenAPI document says each route
 * returns, and what test/api/openapi.int.test.ts checks every answer against.
 */
import { z } from 'zod';
import { runRequestSchema } from '../run-request.ts';

const json = z.unknown();
const iso = z.string().describe('ISO 8601 time');
const labels = z.record(z.string(), z.string());
const runStatus = z.enum(['pending', 'running', 'succeeded', 'failed', 'cancelled']);
const stepStatus = z.enum(['pending', 'running', 'succeeded', 'failed', 'skipped', 'cancelled']);
/** A step's status as the run view shows it: `superseded` is an earlier attempt's record the current attempt has not made again (docs/runs.md). */
const viewStatus = z.enum(['pending', 'running', 'succeeded', 'failed', 'skipped', 'cancelled', 'superseded']);

const problem = z.object({ path: z.string().describe('where: a document path (spec.root.graph.nodes.b.dependsOn[0]), or for an Argo document its template and field (template main, task b)'), message: z.string(), limit: z.string().optional().describe('the variable that sets the limit this problem passes (STRATA_MAX_RUN_STEPS, ...)') });
const errorDetails = z
  .object({
    problems: z.array(problem).max(50).optional().describe('every problem found in the request or document, each with its place (at most 50; the message lists the same, one a line)'),
    moreProblems: z.number().int().optional().describe('how many more problems were found than `problems` lists'),
    limits: z.array(z.string()).optional().describe('a refusal past a size limit: the variables that set the limits it passed (STRATA_MAX_RUN_STEPS, ...)'),
    hint: z.string().optional().describe('a refusal past a size limit: how to raise it, built from `limits`'),
  })
  .catchall(z.unknown());

export const ErrorAnswer = z.object({ error: z.object({ code: z.string(), message: z.string(), details: errorDetails }) });

export const StepView = z.object({
  status: viewStatus,
  was: stepStatus.optional().describe('a superseded step: its status in the earlier attempt it was recorded in'),
  attempts: z.number().int().describe('the larger of the engine\'s attempt and the executions of all attempts (kept for compatibility: a takeover raises it as a retry would)'),
  attempt: z.number().int().describe('the engine\'s attempt number: 2 and up after a retry; a re-run of the same attempt after a takeover keeps it and raises `execution`'),
  startedAt: iso.nullable(),
  finishedAt: iso.nullable(),
  result: json,
  error: z.string().nullable(),
  exitCode: z.number().int().optional(),
  durationMs: z.number().optional(),
  image: z.string().optional(),
  item: json.optional(),
  execution: z.number().int().optional().describe('which execution of its attempt ran last, when it was run again (a takeover, an infrastructure retry)'),
  pod: z.object({ attempt: z.number().int(), execution: z.number().int() }).optional().describe('a step inside a pod that last ran in a later attempt (a retry) or execution (a takeover) of its pod: which; its own attempt starts at 1 in each'),
});

export const RunView = z.object({
  id: z.string(),
  name: z.string(),
  status: runStatus,
  flow: z.string(),
  labels,
  retries: z.number().int(),
  createdAt: iso,
  finishedAt: iso.nullable(),
  error: z.string().nullable(),
  result: json,
  origin: z.record(z.string(), z.string()),
  steps: z.record(z.string(), StepView).describe('every step; with ?summary=true, of a run with more than 1,000, the first 1,000 in step order'),
  stepsSummary: z.object({
    total: z.number().int(),
    shown: z.number().int(),
    counts: z.record(z.string(), z.number().int()).describe('every step by status'),
    next: z.string().describe('pass as `after` to GET /v1/runs/{id}/steps for the steps after those shown'),
  }).optional().describe('present only when `steps` holds part of the run\'s steps'),
});

export const RunStepsPage = z.object({
  run: z.string(),
  steps: z.record(z.string(), StepView),
  next: z.string().nullable().describe('pass as `after` for the next page; null at the end'),
  total: z.number().int().describe('the run\'s steps, all of them'),
  counts: z.record(z.string(), z.number().int()).describe('the run\'s steps by status, all of them'),
});

export const RunSummary = z.object({ id: z.string(), name: z.string(), status: runStatus, flow: z.string(), createdAt: iso, finishedAt: iso.nullable(), labels, dataset: z.string().optional() });
export const RunsPage = z.object({ runs: z.array(RunSummary), next: z.string().nullable().describe('pass as `cursor` for the next page') });
export const RunStarted = z.object({ runId: z.string(), id: z.string(), status: z.literal('pending'), resubmittedFrom: z.string().optional() });
export const Deleted = z.object({ deleted: z.union([z.string(), z.array(z.string())]), outcome: z.literal('deleted').optional() });
export const Outcome = z.enum(['created', 'updated', 'unchanged']);

const doc = z.object({ apiVersion: z.literal('strata/v1'), kind: z.string(), metadata: z.object({ name: z.string() }).passthrough(), spec: z.record(z.string(), z.unknown()) }).passthrough();
const planDocument = z.object({ apiVersion: z.literal('strata/v1'), kind: z.literal('Plan'), metadata: z.object({ name: z.string(), version: z.string() }), params: z.record(z.string(), z.unknown()), stepCount: z.number().int(), graph: z.record(z.string(), z.unknown()) });
const order = z.array(z.array(z.string())).describe('the dry run: step ids started in each tick');
/** With a dry run: whether the simulated run succeeded, its error, what it could not know (docs/flow-language.md). */
const dryRunOutcome = z.object({ status: z.enum(['succeeded', 'failed']), error: z.string().optional(), notes: z.array(z.string()).optional() });
const trace = z.object({ name: z.string(), priority: z.number(), matched: z.boolean(), reason: z.string() });

export const ANSWERS = {
  Error: ErrorAnswer,
  Run: RunView,
  RunStepsPage,
  RunsPage,
  RunStarted,
  Deleted,
  RunRequest: runRequestSchema,
  Health: z.object({ status: z.string() }),
  Ready: z.object({ status: z.string(), redis: z.string() }),
  DatasetIngested: z.object({ dataset: doc, flow: z.object({ name: z.string(), version: z.string() }), matchedRules: z.array(z.string()), order: order.optional(), dryRun: dryRunOutcome.optional(), runId: z.string().optional(), plan: planDocument }),
  DatasetList: z.object({ datasets: z.array(z.object({ name: z.string(), labels, shape: z.string(), flow: z.string().nullable(), ingestedAt: iso })) }),
  DatasetOne: z.object({ dataset: doc, flow: z.string().nullable(), ingestedAt: iso, runs: z.array(RunSummary), runsNext: z.string().nullable() }),
  RuleStored: z.object({ rule: doc, outcome: Outcome }),
  RuleList: z.object({ rules: z.array(doc.extend({ builtin: z.boolean() })) }),
  Document: doc,
  Explain: z.object({ rules: z.array(trace), chosen: z.string().nullable(), plan: planDocument.nullable(), error: ErrorAnswer.shape.error.optional() }),
  FlowStored: z.object({ name: z.string(), version: z.string(), steps: z.number().int(), outcome: Outcome }),
  FlowList: z.object({ flows: z.array(z.object({ name: z.string(), versions: z.array(z.string()) })) }),
  FlowVersions: z.object({ name: z.string(), versions: z.array(doc), latest: z.string().optional().describe('the version registered last (a new one or the same document again); a WorkflowTemplate\'s templateRef resolves to it') }),
  Plan: z.object({ plan: planDocument, order: order.optional(), dryRun: dryRunOutcome.optional() }),
  Generators: z.object({ generators: z.array(z.object({ name: z.string(), description: z.string(), parameters: z.record(z.string(), z.unknown()).describe('a JSON Schema of the rule\'s `with`') })) }),
  Artifacts: z.object({ run: z.string(), step: z.string(), artifacts: z.array(z.object({ name: z.string(), size: z.number().int(), modifiedAt: iso })) }),
  ScheduleOne: doc.extend({ status: z.object({ lastTick: iso.optional(), lastOutcome: z.string().optional(), lastRunId: z.string().optional(), lastRunAt: iso.optional(), nextRunAt: iso.optional(), lastError: z.string().optional() }) }),
  ScheduleStored: z.object({ schedule: doc, outcome: Outcome }),
  HookStored: z.object({ hook: doc, outcome: z.enum(['created', 'updated']), token: z.string().describe('the hook\'s token, shown this once'), url: z.string() }),
  HookList: z.object({ hooks: z.array(doc) }),
  HookStarted: z.object({ runId: z.string(), id: z.string(), status: z.literal('pending'), flow: z.string().optional() }),
  RunPlan: z.object({ graph: z.record(z.string(), z.unknown()).describe('the plan graph (graphology export)'), expansions: z.record(z.string(), z.record(z.string(), z.unknown())).describe('the units generate steps expanded into, by step'), events: z.number().int() }),
  RunProgress: z.object({ total: z.number().int(), done: z.number().int(), counts: z.record(z.string(), z.number().int()) }),
  JsonSchema: z.record(z.string(), z.unknown()).describe('a JSON Schema (draft 2020-12)'),
  OpenApi: z.record(z.string(), z.unknown()),
} as const;

export const ANSWER_LISTS = {
  ScheduleList: z.object({ schedules: z.array(ANSWERS.ScheduleOne) }),
};
