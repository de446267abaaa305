/** Try rules in order (priority high first, ties by name) against a Dataset. */
import type { Dataset } from '../dataset/dataset-document.ts';
import { isStrataError, StrataError } from '../errors/strata-error.ts';
import { explainWhen, type WhenOutcome } from './explain-when.ts';
import type { Rule } from './rule-document.ts';

export interface RuleTrace {
  name: string;
  priority: number;
  matched: boolean;
  reason: string;
  /** true when its when could not be evaluated (its json-logic budget spent, an operation failed) */
  failed?: boolean;
}

export interface RuleMatch {
  traces: RuleTrace[];
  /** the rule that builds the plan: the first that matched */
  chosen?: Rule;
  matchedRules: string[];
  /**
   * Why no rule can be chosen although one might match: a rule tried before any matched
   * whose when could not be evaluated. Whether it would have matched is unknown, so the
   * rules after it are not taken in its place.
   */
  blocked?: StrataError;
}

/** The order in which rules are tried. */
export function ruleOrder(rules: Rule[]): Rule[] {
  return [...rules].sort((a, b) => b.spec.priority - a.spec.priority || (a.metadata.name < b.metadata.name ? -1 : a.metadata.name > b.metadata.name ? 1 : 0));
}

export function matchRules(rules: Rule[], dataset: Dataset): RuleMatch {
  const traces: RuleTrace[] = [];
  let chosen: Rule | undefined;
  let blocked: StrataError | undefined;
  for (const rule of ruleOrder(rules)) {
    let outcome: WhenOutcome & { failed?: boolean };
    try {
      outcome = explainWhen(rule.spec.when, dataset);
    } catch (e) {
      const message = (e as Error).message;
      outcome = { matched: false, failed: true, reason: `spec.when could not be evaluated: ${message}` };
      if (!chosen && !blocked) {
        const code = isStrataError(e) && e.code === 'limit_exceeded' ? 'limit_exceeded' : 'invalid_logic';
        blocked = new StrataError(code, `rule ${rule.metadata.name}: ${message}; whether it matches Dataset ${dataset.metadata.name} is unknown, so no rule after it is taken in its place`, { rule: rule.metadata.name });
      }
    }
    traces.push({ name: rule.metadata.name, priority: rule.spec.priority, ...outcome });
    if (outcome.matched && !chosen && !blocked) chosen = rule;
  }
  return { traces, chosen, matchedRules: traces.filter((t) => t.matched).map((t) => t.name), ...(blocked ? { blocked } : {}) };
}
