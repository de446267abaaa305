/**
 * Starting runs for schedules and hooks, the way the API starts them: a registered flow
 * by `use` with parameters (as `POST /v1/runs` with `{ use, with }`), or a Dataset through
 * the rules (as `POST /v1/datasets?run=true`: its generated flow and the Dataset stored).
 */
import { flowFromBody } from '../api/flow-from-body.ts';
import type { RunsPort } from '../coordinator/runs-port.ts';
import { validateDataset } from '../dataset/dataset-document.ts';
import { invalid, StrataError } from '../errors/strata-error.ts';
import { paramsProblem, type ParamsLimits } from '../flow/params-limits.ts';
import type { JsonValue } from '../flow/types.ts';
import type { Generator } from '../rules/generator.ts';
import type { Rule } from '../rules/rule-document.ts';
import type { OnEnd } from '../run/run-view.ts';
import { planDataset } from '../service/plan-dataset.ts';
import { planFlow } from '../service/plan-flow.ts';
import { newRunId } from '../coordinator/coordinator.ts';
import { prepareRun } from '../run/prepared-run.ts';
import type { DefinitionsStore } from '../store/definitions-store.ts';

export interface StarterDeps {
  defs: DefinitionsStore;
  rules(): Promise<Rule[]>;
  generators: ReadonlyMap<string, Generator>;
  runs: RunsPort;
  /** bounds on parameters (DEFAULT_PARAMS_LIMITS when unset) */
  paramsLimits?: ParamsLimits;
}

export interface StartMeta {
  labels?: Record<string, string>;
  onEnd?: OnEnd;
  /** where the run came from: `schedule`, `hook` */
  origin: Record<string, string>;
  /** a run id of the caller's choosing (a schedule's tick), else a new one; a run already stored under it is left as it is */
  id?: string;
}

/** Start registered flow `ref` with `params`; the run is named after it and carries its labels, then `meta.labels`. */
export async function startUse(d: StarterDeps, ref: string, params: Record<string, JsonValue>, meta: StartMeta): Promise<string> {
  const used = await d.defs.get(ref);
  if (!used) throw new StrataError('not_found', `no registered flow ${ref}`);
  const tooMany = paramsProblem(params, 'params', d.paramsLimits);
  if (tooMany) throw invalid([tooMany], 'limit_exceeded');
  const flow = flowFromBody({ use: ref, with: params });
  const compiled = await planFlow(flow, d.defs);
  const labels = { ...(used.metadata.labels ?? {}), ...(meta.labels ?? {}) };
  const id = meta.id ?? newRunId();
  return d.runs.start(prepareRun(ref, compiled.root, compiled.params, compiled.stepIds), { flow: ref, ...meta.origin }, id, { labels, ...(meta.onEnd ? { onEnd: meta.onEnd } : {}) });
}

/** Ingest a Dataset document and run the flow the rules generate for it. */
export async function ingestAndRun(d: StarterDeps, doc: unknown, meta: StartMeta): Promise<{ runId: string; flow: string }> {
  const dataset = validateDataset(doc);
  const { flow, compiled } = await planDataset(dataset, await d.rules(), d.defs, d.generators);
  const ref = `${flow.metadata.name}@${flow.metadata.version}`;
  const labels = { ...(flow.metadata.labels ?? {}), ...(dataset.metadata.labels ?? {}), ...(meta.labels ?? {}) };
  const runId = await d.runs.start(prepareRun(ref, compiled.root, compiled.params, compiled.stepIds), { dataset: dataset.metadata.name, flow: ref, ...meta.origin }, meta.id ?? newRunId(), { labels, ...(meta.onEnd ? { onEnd: meta.onEnd } : {}) });
  await d.defs.registerFlow(flow);
  await d.defs.putDataset(dataset, ref);
  return { runId, flow: ref };
}
