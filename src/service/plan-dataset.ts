/**
 * Data builds the system: a Dataset through the rules to a generated Flow and its plan.
 * Used by POST /v1/datasets, POST /v1/rules/explain, the operator and the coordinator
 * (a generate step's Dataset).
 */
import type { Dataset } from '../dataset/dataset-document.ts';
import { StrataError } from '../errors/strata-error.ts';
import { DEFAULT_LIMITS, type Limits } from '../flow/limits.ts';
import type { FlowDocument } from '../flow/types.ts';
import type { CompiledFlow } from '../plan/compile.ts';
import type { FlowRegistry } from '../plan/flow-registry.ts';
import { buildFlow } from '../rules/build-flow.ts';
import type { Generator } from '../rules/generator.ts';
import { matchRules, type RuleMatch } from '../rules/match-rules.ts';
import type { Rule } from '../rules/rule-document.ts';
import { planFlow } from './plan-flow.ts';

export interface DatasetPlan {
  match: RuleMatch;
  flow: FlowDocument;
  compiled: CompiledFlow;
}

/** `dataset` through `rules` to its flow and plan; with `out`, the Dataset's JSON is kept in `out.datasetJson` (buildFlow). */
export async function planDataset(dataset: Dataset, rules: Rule[], registry: FlowRegistry, generators: ReadonlyMap<string, Generator>, limits: Limits = DEFAULT_LIMITS, out?: { datasetJson?: string }): Promise<DatasetPlan> {
  const match = matchRules(rules, dataset);
  if (match.blocked) throw new StrataError(match.blocked.code, match.blocked.message, { ...match.blocked.details, rules: match.traces });
  if (!match.chosen) {
    throw new StrataError('no_rule_matched', `no rule matched Dataset ${dataset.metadata.name}`, { rules: match.traces });
  }
  const flow = buildFlow(dataset, match.chosen, generators, {}, out);
  const compiled = await planFlow(flow, registry, limits);
  return { match, flow, compiled };
}
