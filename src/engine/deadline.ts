/**
 * The deadline of a whole node (DESIGN.md section 3; docs/flow-language.md, `timeout` and
 * `spec.deadline`): what the engine arms with a `deadline` command when the node starts, and
 * answers, once a `deadline` event is in the log, by stopping all of it (engine-events.ts).
 * A composite's `timeout` is one; a leaf's is per attempt (the runtime stops the attempt), so
 * a leaf has one only from its flow's `spec.deadline` (on a unit's root), which covers every
 * attempt and back-off, as Argo's workflow activeDeadlineSeconds bounds all of a workflow
 * (argo-workflows workflow/controller/operator.go: the workflow deadline is counted from its
 * start, and the nodes still running past it fail) while a template's is per pod.
 *
 * A `timeout` or `deadline` may be computed (text with `{{ references }}`, or json-logic):
 * it is resolved when the node starts, from the data substitution reads, as Argo substitutes a
 * templated activeDeadlineSeconds or timeout when it runs the node (its IntOrString field).
 */
import { clipped } from '../errors/strata-error.ts';
import { durationSeconds, isSeconds } from '../flow/duration.ts';
import type { Computed } from '../flow/types.ts';
import type { PlanNode } from '../plan/plan-node.ts';
import { resolveText, type SubstitutionData } from './substitute.ts';

/** Seconds the whole node may take from its start, or undefined; `leaf`: whether the engine runs it as a leaf; `seconds` resolves a computed one. */
export function wholeDeadline(node: PlanNode, leaf: boolean, seconds: (v: number | Computed, field: string) => number): number | undefined {
  const own = leaf || node.timeout === undefined ? undefined : seconds(node.timeout, 'timeout');
  const flow = node.deadline === undefined ? undefined : seconds(node.deadline, 'spec.deadline');
  if (own === undefined) return flow;
  return flow === undefined ? own : Math.min(own, flow);
}

/**
 * Seconds of a `timeout` or `deadline` (`field`): a number as it is, a computed one resolved
 * with `d` and read as seconds or a duration (`90`, `1.5`, `30s`, `2m`, `1h30m`). Throws an
 * Error naming the field, what was written and what it gave when that is no duration of more
 * than 0 and at most a week (the step then fails with it).
 */
export function secondsOf(v: number | Computed, field: string, d: () => SubstitutionData): number {
  if (typeof v === 'number') return v;
  const text = resolveText(v, field, d());
  const s = durationSeconds(text.trim());
  if (s === undefined || !isSeconds(s)) {
    const written = typeof v === 'string' ? `"${clipped(v, 120)}"` : 'its json-logic';
    throw new Error(`${field}: ${written} is "${clipped(text, 120)}" once resolved, which is not a number of seconds more than 0 and at most a week (604800) nor a duration like 30s, 2m, 1h30m`);
  }
  return s;
}
