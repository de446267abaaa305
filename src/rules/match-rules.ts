/** Try rules in order (priority high first, ties by name) against a Dataset. */
import type { Dataset } from '../dataset/dataset-document.ts';
import { explainWhen } from './explain-when.ts';
import type { Rule } from './rule-document.ts';

export interface RuleTrace {
  name: string;
  priority: number;
  matched: boolean;
  reason: string;
}

export interface RuleMatch {
  traces: RuleTrace[];
  /** the rule that builds the plan: the first that matched */
  chosen?: Rule;
  matchedRules: string[];
}

/** The order in which rules are tried. */
export function ruleOrder(rules: Rule[]): Rule[] {
  return [...rules].sort((a, b) => b.spec.priority - a.spec.priority || (a.metadata.name < b.metadata.name ? -1 : a.metadata.name > b.metadata.name ? 1 : 0));
}

export function matchRules(rules: Rule[], dataset: Dataset): RuleMatch {
  const traces: RuleTrace[] = [];
  let chosen: Rule | undefined;
  for (const rule of ruleOrder(rules)) {
    let outcome;
    try {
      outcome = explainWhen(rule.spec.when, dataset);
    } catch (e) {
      outcome = { matched: false, reason: `spec.when failed: ${(e as Error).message}` };
    }
    traces.push({ name: rule.metadata.name, priority: rule.spec.priority, ...outcome });
    if (outcome.matched && !chosen) chosen = rule;
  }
  return { traces, chosen, matchedRules: traces.filter((t) => t.matched).map((t) => t.name) };
}
