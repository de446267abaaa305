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

export function resolveInputs(inputs: Record<string, InputSpec> | undefined, stepId: string, unitId: string): Record<string, InputRef> {
  const out: Record<string, InputRef> = {};
  if (!inputs) return out;
  for (const [name, spec] of Object.entries(inputs)) {
    const ref = inputFrom(spec);
    const colon = ref.lastIndexOf(':');
    out[name] = { step: resolveStep(ref.slice(0, colon), stepId, unitId), output: ref.slice(colon + 1) };
  }
  return out;
}

export { resolveStep };
