/**
 * The body of `POST /v1/runs` (and what schedules and hooks start): a Flow, or a
 * registered flow by `use` with `with` parameters; `params` over a Flow's defaults;
 * the run's own `labels`; `onEnd`, a webhook told when the run ends.
 */
import { DEFAULT_LIMITS, type Limits } from '../flow/limits.ts';
import { z } from 'zod';
import { invalid } from '../errors/strata-error.ts';
import type { FlowDocument, JsonValue } from '../flow/types.ts';
import { check } from '../flow/zod-problems.ts';
import { labelsSchema } from '../flow/labels.ts';
import { forbiddenParamMessage, isForbiddenParamName, paramNameProblems } from '../flow/param-names.ts';
import type { OnEnd } from '../run/run-view.ts';
import { flowFromBody } from './flow-from-body.ts';

export const onEndSchema = z.strictObject({ webhook: z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' }) });

/** Parameters by name (readRunRequest refuses names that are object internals before zod, which drops __proto__ silently). */
const paramsRecord = z.record(z.string().refine((k) => !isForbiddenParamName(k), { error: (i) => forbiddenParamMessage(String(i.input)) }), z.unknown());

export const runRequestSchema = z.strictObject({
  flow: z.record(z.string(), z.unknown()).optional().describe('a Flow document; or an Argo Workflow (a WorkflowTemplate runs from its entrypoint), whose params are text as argo submit -p gives them (docs/argo.md)'),
  use: z.string().optional(),
  with: paramsRecord.optional(),
  params: paramsRecord.optional(),
  labels: labelsSchema.optional(),
  onEnd: onEndSchema.optional(),
  /** DAG targets: step ids to run with what they depend on */
  targets: z.array(z.string().min(1).max(1000)).min(1).max(1000).optional(),
}).refine((b) => (b.flow === undefined) !== (b.use === undefined), { message: 'send { flow: <Flow document> } or { use: "name@version", with: { ... } }' });

export interface RunRequest {
  /** what is compiled: the Flow, or a wrapper around `use` */
  flow: FlowDocument;
  /** `flow` is a request by name's wrapper (flow-from-body.ts), whatever its name */
  request: boolean;
  /** the flow the run runs: the Flow's ref, or the used ref */
  ref: string;
  params: Record<string, JsonValue>;
  labels: Record<string, string>;
  onEnd?: OnEnd;
  /** DAG targets: only these steps and what they depend on run */
  targets?: string[];
}

/** Validate a run request; throws a 400 listing every problem. */
export function readRunRequest(body: unknown, limits: Limits = DEFAULT_LIMITS): RunRequest {
  const raw = body !== null && typeof body === 'object' ? (body as Record<string, unknown>) : {};
  const problems: Array<{ path: string; message: string }> = [...paramNameProblems(raw.params, 'params'), ...paramNameProblems(raw.with, 'with')];
  const b = check(runRequestSchema, body, '', problems);
  if (problems.length > 0) throw invalid(problems, 'invalid_request');
  if (!b) throw invalid(problems, 'invalid_request');
  const { flow, request } = b.flow ? flowFromBody(b.flow, limits) : flowFromBody({ use: b.use, ...(b.with !== undefined ? { with: b.with } : {}) }, limits);
  return {
    flow,
    request,
    ref: b.use ?? `${flow.metadata.name}@${flow.metadata.version}`,
    params: (b.params ?? {}) as Record<string, JsonValue>,
    labels: b.labels ?? {},
    ...(b.onEnd ? { onEnd: b.onEnd } : {}),
    ...(b.targets ? { targets: b.targets } : {}),
  };
}
