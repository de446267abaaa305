/**
 * The deadline of a whole node (DESIGN.md section 3; docs/flow-language.md, `timeout` and
 * `spec.deadline`): what the engine arms with a `deadline` command when the node starts, and
 * answers, once a `deadline` event is in the log, by stopping all of it (engine-events.ts).
 * A composite's `timeout` is one; a leaf's is per attempt (the runtime stops the attempt), so
 * a leaf has one only from its flow's `spec.deadline` (on a unit's root), which covers every
 * attempt and back-off, as Argo's workflow activeDeadlineSeconds bounds all of a workflow
 * (argo-workflows workflow/controller/operator.go: the workflow deadline is counted from its
 * start, and the nodes still running past it fail) while a template's is per pod.
 */
import type { PlanNode } from '../plan/plan-node.ts';

/** Seconds the whole node may take from its start, or undefined; `leaf`: whether the engine runs it as a leaf. */
export function wholeDeadline(node: PlanNode, leaf: boolean): number | undefined {
  const own = leaf ? undefined : node.timeout;
  if (own === undefined) return node.deadline;
  return node.deadline === undefined ? own : Math.min(own, node.deadline);
}
