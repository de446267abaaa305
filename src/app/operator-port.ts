/**
 * The operator's StrataPort over strata's own stores: each call does what the matching
 * HTTP request does (POST /v1/rules, /v1/flows, /v1/datasets?run=true, ...).
 */
import type { Redis } from 'ioredis';
import { GENERATORS } from '../../generators/index.ts';
import type { StrataPort } from '../../runtime/kubernetes/operator/strata-port.ts';
import { newRunId, type Coordinator } from '../coordinator/coordinator.ts';
import type { RunSystem } from '../coordinator/run-system.ts';
import { validateDataset } from '../dataset/dataset-document.ts';
import { anchorLocation } from '../dataset/dataset-location.ts';
import { validateFlowDocument } from '../flow/flow-document.ts';
import { DEFAULT_LIMITS, type Limits } from '../flow/limits.ts';
import { validateRule, type Rule } from '../rules/rule-document.ts';
import { planDataset } from '../service/plan-dataset.ts';
import { planFlow } from '../service/plan-flow.ts';
import { checkRulePlan } from '../service/check-rule-plan.ts';
import type { DefinitionsStore } from '../store/definitions-store.ts';

export interface OperatorPortDeps {
  defs: DefinitionsStore;
  rules(): Promise<Rule[]>;
  sys: RunSystem;
  coordinator: Coordinator;
  redis: Redis;
  prefix: string;
  /** size limits of documents and plans (DEFAULT_LIMITS when unset) */
  limits?: Limits;
}

export function operatorPort(d: OperatorPortDeps): StrataPort {
  const submissions = `${d.prefix}:operator:submissions`;
  return {
    async registerRule(doc) {
      const rule = validateRule(doc, GENERATORS);
      // Planned as POST /v1/rules plans it: a node no Dataset can make plannable (or a unit not registered) is refused, nothing stored.
      await checkRulePlan(rule, d.defs, d.limits ?? DEFAULT_LIMITS);
      await d.defs.putRule(rule);
    },
    async removeRule(name) {
      await d.defs.deleteRule(name);
    },
    async registerFlow(doc) {
      const flow = validateFlowDocument(doc, d.limits);
      await planFlow(flow, d.defs, d.limits);
      await d.defs.registerFlow(flow);
      return { ref: `${flow.metadata.name}@${flow.metadata.version}` };
    },
    async submitDataset(doc, { key }) {
      // A relative file:// location is taken from the directory the operator's strata was started in (dataset-location.ts).
      const dataset = anchorLocation(validateDataset(doc, d.limits), process.cwd());
      const { flow, compiled } = await planDataset(dataset, await d.rules(), d.defs, GENERATORS, d.limits);
      // The key is taken before the run starts: the same submission again gets the same run.
      let id = newRunId();
      if (!(await d.redis.hsetnx(submissions, key, id))) {
        id = (await d.redis.hget(submissions, key))!;
        // Taken by an operator that stopped before it started the run: start it now, under the same id.
        if (await d.sys.store.status(id)) return { runId: id };
      }
      const ref = `${flow.metadata.name}@${flow.metadata.version}`;
      await d.defs.registerFlow(flow);
      await d.defs.putDataset(dataset, ref);
      await d.coordinator.startRun(flow, compiled, {}, { dataset: dataset.metadata.name, flow: ref, submittedBy: 'operator' }, id);
      return { runId: id };
    },
    async getRun(runId) {
      const v = await d.sys.store.view(runId, { cut: true });
      return v ? { status: v.status, steps: v.steps, ...(v.stepsSummary ? { stepCounts: v.stepsSummary.counts } : {}), ...(v.error ? { error: v.error } : {}) } : undefined;
    },
    async cancelRun(runId) {
      const status = await d.sys.store.status(runId);
      if (status === 'pending' || status === 'running') await d.coordinator.cancel(runId);
    },
  };
}
