/**
 * Bounds on parameters (a Flow's `spec.params`, a run's `params`, a use's `with`): how many
 * keys and elements, at any depth, and how many bytes as JSON. Parameters travel with
 * every step (the engine's scope, each start command, each step's STRATA_PARAMS), so an
 * unbounded object costs per step, not once: 1.5 million keys held the coordinator's
 * thread for seconds and could not be handed to a process at all (E2BIG). Pure.
 */
import { invalid, type Problem } from '../errors/strata-error.ts';
import { jsonTooDeep, MAX_DATA_DEPTH, tooDeepText, valueTooDeep } from '../logic/json-nesting.ts';
import { useNodes } from './uses.ts';

export interface ParamsLimits {
  /** bytes of the parameters as JSON (STRATA_MAX_PARAMS_BYTES) */
  maxBytes: number;
  /** object keys and list elements, counted at every depth (STRATA_MAX_PARAMS_KEYS) */
  maxKeys: number;
  /** nesting of a parameter, and of the JSON in its text (STRATA_MAX_TEXT_NESTING; MAX_DATA_DEPTH when not given) */
  maxNesting?: number;
}

export const DEFAULT_PARAMS_LIMITS: ParamsLimits = { maxBytes: 1024 * 1024, maxKeys: 10_000 };

/**
 * The problem with `value` as parameters at `path`, or undefined. Counting stops at the
 * first key past the limit, so a huge object costs no more than the limit to refuse.
 */
export function paramsProblem(value: unknown, path: string, limits: ParamsLimits = DEFAULT_PARAMS_LIMITS): Problem | undefined {
  const deep = deepProblem(value, path, limits.maxNesting ?? MAX_DATA_DEPTH);
  if (deep) return deep;
  let keys = 0;
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const v = stack.pop();
    if (v === null || typeof v !== 'object') continue;
    const kids = Array.isArray(v) ? v : Object.values(v);
    keys += kids.length;
    if (keys > limits.maxKeys) {
      return { path, message: `holds more than ${limits.maxKeys.toLocaleString('en')} keys and list elements (STRATA_MAX_PARAMS_KEYS); pass large data to steps as input files instead`, limit: 'STRATA_MAX_PARAMS_KEYS' };
    }
    for (const k of kids) if (k !== null && typeof k === 'object') stack.push(k);
  }
  const bytes = new TextEncoder().encode(JSON.stringify(value) ?? '').length;
  if (bytes > limits.maxBytes) {
    return { path, message: `is ${bytes.toLocaleString('en')} bytes as JSON, more than ${limits.maxBytes.toLocaleString('en')} (STRATA_MAX_PARAMS_BYTES); pass large data to steps as input files instead`, limit: 'STRATA_MAX_PARAMS_BYTES' };
  }
  return undefined;
}

/**
 * The first parameter of `value` (an object of parameters) nested more than `max`
 * (STRATA_MAX_TEXT_NESTING, as the body holding it), or whose text is JSON that deep (an Argo parameter is text its withParam reads as JSON),
 * as a problem at its path (`params.list`), or undefined. Checked before anything writes the
 * value as JSON, which would overflow the stack (src/logic/json-nesting.ts).
 */
function deepProblem(value: unknown, path: string, max: number): Problem | undefined {
  const entries: Array<[string, unknown]> = value !== null && typeof value === 'object' && !Array.isArray(value) ? Object.entries(value) : [['', value]];
  for (const [k, v] of entries) {
    if (!valueTooDeep(v, max)) continue;
    const text = typeof v === 'string' && jsonTooDeep(v, max);
    return { path: k === '' ? path : `${path}.${k}`, message: `is ${text ? 'JSON text ' : ''}${tooDeepText(max)} (STRATA_MAX_TEXT_NESTING)`, limit: 'STRATA_MAX_TEXT_NESTING' };
  }
  return undefined;
}

/**
 * The first text holding a NUL character in `value` (a key or a string at any depth), as a
 * problem at its path (`params.msg`, `params.list[2]`; a key's at its object), or undefined.
 * No argument or environment value can carry a NUL, so a parameter holding one is refused
 * when the run is asked for, naming it, not when a step would substitute it (Argo tester 2,
 * fault 14). Walked iteratively, as far as the value goes (its size is bounded before).
 */
export function nulProblem(value: unknown, path: string): Problem | undefined {
  const stack: Array<[unknown, string]> = [[value, path]];
  while (stack.length > 0) {
    const [v, at] = stack.pop()!;
    if (typeof v === 'string') {
      if (v.includes('\0')) return { path: at, message: 'holds a NUL character, which no argument or environment value can carry' };
    } else if (Array.isArray(v)) v.forEach((x, i) => stack.push([x, `${at}[${i}]`]));
    else if (v !== null && typeof v === 'object') {
      for (const [k, x] of Object.entries(v)) {
        if (k.includes('\0')) return { path: at, message: 'has a key holding a NUL character, which no argument or environment value can carry' };
        stack.push([x, `${at}.${k}`]);
      }
    }
  }
  return undefined;
}

/**
 * Refuse parameters at any of `places` (`[value, path]`; undefined values skipped): past the
 * limits, 422 `limit_exceeded` naming each place; holding a NUL, 400 naming the parameter.
 */
export function checkParamsAt(places: Array<[unknown, string]>, limits: ParamsLimits = DEFAULT_PARAMS_LIMITS): void {
  const given = places.filter(([v]) => v !== undefined);
  const tooLarge = given.map(([v, p]) => paramsProblem(v, p, limits)).filter((p): p is Problem => p !== undefined);
  if (tooLarge.length > 0) throw invalid(tooLarge, 'limit_exceeded');
  const nul = given.map(([v, p]) => nulProblem(v, p)).filter((p): p is Problem => p !== undefined);
  if (nul.length > 0) throw invalid(nul, 'invalid_request');
}

/** Every use node's `with` in a flow tree, with its path (`with` alone for the root of a `{ use, with }` request, base ''): places checkParamsAt takes. */
export function withsOf(root: unknown, base: string): Array<[unknown, string]> {
  return useNodes(root, base).filter((u) => u.with !== undefined).map((u) => [u.with, u.path ? `${u.path}.with` : 'with']);
}
