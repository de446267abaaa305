/**
 * Bounds on parameters (a Flow's `spec.params`, a run's `params`, a use's `with`): how many
 * keys and elements, at any depth, and how many bytes as JSON. Parameters travel with
 * every step (the engine's scope, each start command, each step's STRATA_PARAMS), so an
 * unbounded object costs per step, not once: 1.5 million keys held the coordinator's
 * thread for seconds and could not be handed to a process at all (E2BIG). Pure.
 */
import type { Problem } from '../errors/strata-error.ts';

export interface ParamsLimits {
  /** bytes of the parameters as JSON (STRATA_MAX_PARAMS_BYTES) */
  maxBytes: number;
  /** object keys and list elements, counted at every depth (STRATA_MAX_PARAMS_KEYS) */
  maxKeys: number;
}

export const DEFAULT_PARAMS_LIMITS: ParamsLimits = { maxBytes: 1024 * 1024, maxKeys: 10_000 };

/**
 * The problem with `value` as parameters at `path`, or undefined. Counting stops at the
 * first key past the limit, so a huge object costs no more than the limit to refuse.
 */
export function paramsProblem(value: unknown, path: string, limits: ParamsLimits = DEFAULT_PARAMS_LIMITS): Problem | undefined {
  let keys = 0;
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const v = stack.pop();
    if (v === null || typeof v !== 'object') continue;
    const kids = Array.isArray(v) ? v : Object.values(v);
    keys += kids.length;
    if (keys > limits.maxKeys) {
      return { path, message: `holds more than ${limits.maxKeys.toLocaleString('en')} keys and list elements (STRATA_MAX_PARAMS_KEYS); pass large data to steps as input files instead` };
    }
    for (const k of kids) if (k !== null && typeof k === 'object') stack.push(k);
  }
  const bytes = new TextEncoder().encode(JSON.stringify(value) ?? '').length;
  if (bytes > limits.maxBytes) {
    return { path, message: `is ${bytes.toLocaleString('en')} bytes as JSON, more than ${limits.maxBytes.toLocaleString('en')} (STRATA_MAX_PARAMS_BYTES); pass large data to steps as input files instead` };
  }
  return undefined;
}
