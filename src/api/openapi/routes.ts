/**
 * Every route the service answers, with the statuses its handler really returns and the
 * schema of each answer. test/api/openapi.int.test.ts holds the two to each other: every
 * route Hono serves must be here, and every answer the tests get must have its status
 * here and validate against its schema.
 */
import { z } from 'zod';
import type { ANSWERS } from './answers.ts';
import type { DocumentKind } from './documents.ts';

/** An answer: a named JSON schema, or a body of another type. */
export type Answer = keyof typeof ANSWERS | 'ScheduleList' | 'text' | 'html' | 'sse' | 'binary' | 'none';

export interface RouteSpec {
  method: 'get' | 'post' | 'delete';
  /** OpenAPI path, `{param}` style */
  path: string;
  summary: string;
  query?: z.ZodObject;
  /** a document kind (JSON or YAML) or a named JSON answer schema used as a request */
  body?: DocumentKind | 'RunRequest' | 'Params';
  /** per status: the answer, or several (by content type) */
  ok: Partial<Record<200 | 201 | 202 | 302, Answer | Answer[]>>;
  errors?: number[];
  /** takes an Idempotency-Key header (src/api/idempotency.ts) */
  idempotent?: boolean;
}

const flag = z.enum(['true', 'false', '1', '0', '']).optional();

export const runsQuery = z.object({
  status: z.string().optional().describe('comma-separated or repeated (any of them): pending, running, succeeded, failed, cancelled; every other parameter of every route is given at most once (400)'),
  flow: z.string().optional().describe('flow name, or name@version'),
  dataset: z.string().optional(),
  selector: z.string().optional().describe('label selector: key=value, key!=value or key, comma-separated'),
  limit: z.string().regex(/^\d+$/).optional().describe('1 to 1000 (100)'),
  cursor: z.string().optional().describe('the `next` of the page before'),
});

const BODY_ERRORS = [400, 413, 415];

export const ROUTES: RouteSpec[] = [
  { method: 'post', path: '/v1/datasets', summary: 'Ingest a Dataset: match rules, generate its flow and plan; ?dryRun adds the order, ?run starts a run (202)', body: 'Dataset', query: z.object({ dryRun: flag, run: flag }), ok: { 200: 'DatasetIngested', 202: 'DatasetIngested' }, errors: [...BODY_ERRORS, 404, 409, 410, 422, 503], idempotent: true },
  { method: 'get', path: '/v1/datasets', summary: 'Stored Datasets', ok: { 200: 'DatasetList' } },
  { method: 'get', path: '/v1/datasets/{name}', summary: 'A stored Dataset, its flow and the runs made from it', ok: { 200: 'DatasetOne' }, errors: [404] },
  { method: 'post', path: '/v1/rules', summary: 'Register a generator rule (201 created; 200 updated or unchanged); 404 when it names a flow that is not registered', body: 'Rule', ok: { 201: 'RuleStored', 200: 'RuleStored' }, errors: [...BODY_ERRORS, 404] },
  { method: 'get', path: '/v1/rules', summary: 'Rules in force (built-in and registered)', ok: { 200: 'RuleList' } },
  { method: 'post', path: '/v1/rules/explain', summary: 'Every rule tried for a Dataset, matched or not and why, and the plan that would result', body: 'Dataset', ok: { 200: 'Explain' }, errors: [...BODY_ERRORS, 422] },
  { method: 'get', path: '/v1/rules/{name}', summary: 'A rule', ok: { 200: 'Document' }, errors: [404] },
  { method: 'delete', path: '/v1/rules/{name}', summary: 'Remove a registered rule (409 for a built-in one)', ok: { 200: 'Deleted' }, errors: [404, 409] },
  { method: 'post', path: '/v1/flows', summary: 'Register a flow version, immutable (201 created; 200 unchanged)', body: 'Flow', ok: { 201: 'FlowStored', 200: 'FlowStored' }, errors: [...BODY_ERRORS, 404, 409, 422] },
  { method: 'get', path: '/v1/flows', summary: 'Flows and their versions', ok: { 200: 'FlowList' } },
  { method: 'get', path: '/v1/flows/{name}', summary: 'Every version of a flow', ok: { 200: 'FlowVersions' }, errors: [404] },
  { method: 'delete', path: '/v1/flows/{name}', summary: 'Remove every version of a flow no other flow, rule, schedule or hook uses', ok: { 200: 'Deleted' }, errors: [404, 409] },
  { method: 'get', path: '/v1/flows/{name}/{version}', summary: 'One flow version', ok: { 200: 'Document' }, errors: [404] },
  { method: 'delete', path: '/v1/flows/{name}/{version}', summary: 'Remove a flow version no other flow, rule, schedule or hook uses', ok: { 200: 'Deleted' }, errors: [404, 409] },
  { method: 'post', path: '/v1/plans', summary: 'Compile a Flow or { use, with } into a plan (JSON; DOT or Mermaid text with ?format)', body: 'Flow', query: z.object({ format: z.enum(['json', 'dot', 'mermaid']).optional(), dryRun: flag }), ok: { 200: ['Plan', 'text'] }, errors: [...BODY_ERRORS, 404, 422] },
  { method: 'post', path: '/v1/runs', summary: 'Start a run of { flow } or { use, with } (with params); or of an Argo Workflow, as it is or as { flow: <Workflow>, params }', body: 'RunRequest', ok: { 202: 'RunStarted' }, errors: [...BODY_ERRORS, 404, 410, 422, 503], idempotent: true },
  { method: 'get', path: '/v1/runs', summary: 'Runs, newest first, filtered, a page at a time', query: runsQuery, ok: { 200: 'RunsPage' }, errors: [400] },
  { method: 'get', path: '/v1/runs/{id}', summary: 'A run: status and every step (macro and micro), written in pieces; with ?summary=true a run of more than 1,000 steps gives its first 1,000 and `stepsSummary` (counts by status)', query: z.object({ summary: flag }), ok: { 200: 'Run' }, errors: [404] },
  { method: 'get', path: '/v1/runs/{id}/steps', summary: 'A page of a run\'s steps in step order (numbers in numeric order), with every step\'s count by status', query: z.object({ after: z.string().optional().describe('a step id: the steps after it (the `next` of the page before)'), limit: z.string().regex(/^\d+$/).optional().describe('1 to 5000 (1000)'), status: z.string().optional().describe('comma-separated: pending, running, succeeded, failed, skipped, cancelled') }), ok: { 200: 'RunStepsPage' }, errors: [400, 404] },
  { method: 'get', path: '/v1/runs/{id}/plan', summary: 'The run\'s plan graph and the units its generate steps expanded into', ok: { 200: 'RunPlan' }, errors: [404] },
  { method: 'get', path: '/v1/runs/{id}/progress', summary: 'How far a run is: its steps, those ended, counts by status', ok: { 200: 'RunProgress' }, errors: [404] },
  { method: 'delete', path: '/v1/runs/{id}', summary: 'Delete an ended run with its events, logs and artifacts', ok: { 200: 'Deleted' }, errors: [404, 409] },
  { method: 'post', path: '/v1/runs/{id}/cancel', summary: 'Cancel a run; the run with every step', ok: { 200: 'Run' }, errors: [404, 409] },
  { method: 'post', path: '/v1/runs/{id}/retry', summary: 'Go on from the failure: succeeded steps kept, the rest run again', ok: { 200: 'Run' }, errors: [404, 409] },
  { method: 'post', path: '/v1/runs/{id}/resubmit', summary: 'A new run with the same flow, params, labels and Dataset', ok: { 202: 'RunStarted' }, errors: [400, 404, 410, 422], idempotent: true },
  { method: 'get', path: '/v1/runs/{id}/events', summary: 'Server-sent events: step and run state changes as they happen (Last-Event-ID resumes)', ok: { 200: 'sse' }, errors: [400, 404] },
  { method: 'get', path: '/v1/runs/{id}/logs', summary: 'Server-sent events: the steps\' logs, what is kept (step after step in plan order) and then each chunk as it is written (`log` events `{ step, text, offset }`), then `end`', query: z.object({ step: z.string().optional().describe('one step\'s logs only') }), ok: { 200: 'sse' }, errors: [404] },
  { method: 'get', path: '/v1/runs/{id}/steps/{step}/logs', summary: 'A step\'s logs (its last 1 MiB); `step` may hold `/`', ok: { 200: 'text' }, errors: [404] },
  { method: 'get', path: '/v1/runs/{id}/steps/{step}/artifacts', summary: 'A step\'s output files', ok: { 200: 'Artifacts' }, errors: [404] },
  { method: 'get', path: '/v1/runs/{id}/steps/{step}/artifacts/{name}', summary: 'One output file', ok: { 200: 'binary' }, errors: [404] },
  { method: 'get', path: '/v1/generators', summary: 'Generators with their parameters as JSON Schema', ok: { 200: 'Generators' } },
  { method: 'post', path: '/v1/schedules', summary: 'Register a Schedule (201 created; 200 updated or unchanged)', body: 'Schedule', ok: { 201: 'ScheduleStored', 200: 'ScheduleStored' }, errors: [...BODY_ERRORS, 404, 422] },
  { method: 'get', path: '/v1/schedules', summary: 'Schedules with their state: last tick, last run, next run', ok: { 200: 'ScheduleList' } },
  { method: 'get', path: '/v1/schedules/{name}', summary: 'A schedule and its state', ok: { 200: 'ScheduleOne' }, errors: [404] },
  { method: 'delete', path: '/v1/schedules/{name}', summary: 'Remove a schedule', ok: { 200: 'Deleted' }, errors: [404] },
  { method: 'post', path: '/v1/hooks', summary: 'Register a Hook; the answer holds its token, once', body: 'Hook', ok: { 201: 'HookStored', 200: 'HookStored' }, errors: [...BODY_ERRORS, 404, 422] },
  { method: 'get', path: '/v1/hooks', summary: 'Hooks (without their tokens)', ok: { 200: 'HookList' } },
  { method: 'get', path: '/v1/hooks/{name}', summary: 'A hook (without its token)', ok: { 200: 'Document' }, errors: [404] },
  { method: 'delete', path: '/v1/hooks/{name}', summary: 'Remove a hook', ok: { 200: 'Deleted' }, errors: [404] },
  { method: 'post', path: '/v1/hooks/{name}', summary: 'Call a hook with its own token (Authorization: Bearer <hook token>): start its flow with the body as parameters, or ingest the body as a Dataset', body: 'Params', ok: { 202: 'HookStarted' }, errors: [...BODY_ERRORS, 404, 410, 422], idempotent: true },
  { method: 'get', path: '/healthz', summary: 'Liveness', ok: { 200: 'Health' } },
  { method: 'get', path: '/readyz', summary: 'Readiness: Redis reachable', ok: { 200: 'Ready' }, errors: [503] },
  { method: 'get', path: '/metrics', summary: 'Prometheus metrics', ok: { 200: 'text' } },
  { method: 'get', path: '/openapi.json', summary: 'This document', ok: { 200: 'OpenApi' } },
  { method: 'get', path: '/', summary: 'Redirects to the web UI (/ui/runs)', ok: { 302: 'none' } },
  { method: 'get', path: '/ui', summary: 'Redirects to /ui/runs', ok: { 302: 'none' } },
  { method: 'get', path: '/ui/{page}', summary: 'A page of the web UI (/ui/runs[/:id], /ui/datasets/:name, /ui/flows[/:name], /ui/rules, /ui/generators): the single page; 503 while the UI is not built', ok: { 200: 'html' }, errors: [404, 503] },
  { method: 'get', path: '/schemas/{kind}.json', summary: 'A document kind\'s JSON Schema, for editors: Flow, Dataset, Rule, Schedule, Hook', ok: { 200: 'JsonSchema' }, errors: [404] },
];

