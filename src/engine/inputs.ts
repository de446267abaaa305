/**
 * Input references: `"step:output"`. A step path is taken from the unit root (the flow,
 * or the use/generate unit the step is in); one starting with `./` or `../` from the
 * step's own parent, which is how steps inside a fan-out item or a cycle round reach
 * their siblings.
 */
import { resolveStep } from '../plan/step-path.ts';
import type { InputRef } from './types.ts';
import type { InputSpec } from '../flow/types.ts';
import { inputFrom } from '../flow/task-parts.ts';

/**
 * The inputs of step `stepId`; a path with `*` (every item of a fan-out) lists the items
 * that `each` gives for the resolved pattern (a fan-in over files).
 */
export function resolveInputs(
  inputs: Record<string, InputSpec> | undefined, stepId: string, unitId: string, each?: (pattern: string) => InputRef['each'], unitInputs?: Record<string, InputRef>,
): Record<string, InputRef> {
  const out: Record<string, InputRef> = {};
  if (!inputs) return out;
  for (const [name, spec] of Object.entries(inputs)) {
    const ref = inputFrom(spec);
    // An optional input of an output not written is left out when the step's files are gathered.
    const optional = typeof spec !== 'string' && spec.optional ? (true as const) : undefined;
    const colon = ref.lastIndexOf(':');
    if (colon === 0) {
      // ":name": an input of the unit itself, as the use node that calls it gave it.
      const given = unitInputs?.[ref.slice(1)];
      if (!given) throw new Error(`input "${name}": this unit was given no input "${ref.slice(1)}" (a flow with spec.inputs runs as a use unit that gives them)`);
      out[name] = optional ? { ...given, optional } : given;
      continue;
    }
    const step = resolveStep(ref.slice(0, colon), stepId, unitId);
    out[name] = { step, output: ref.slice(colon + 1), ...(optional ? { optional } : {}) };
    if (each && step.split('/').includes('*')) out[name].each = each(step) ?? [];
  }
  return out;
}

export { resolveStep };
