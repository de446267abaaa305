/**
 * Parameter values that may be json-logic: an object with a single key that is a known
 * operator is an expression; any other object or list is a literal whose members may
 * themselves be expressions. Used for a rule's `emit` and a use node's `with`.
 */
import type { Problem } from '../errors/strata-error.ts';
import type { JsonValue } from '../flow/types.ts';
import { evaluate, isLogic, validateLogic } from './json-logic.ts';
import { appendAll } from '../flow/append-all.ts';

/** Problems in the expressions found inside a value. */
export function validateValues(value: unknown, path: string): Problem[] {
  if (isLogic(value)) return validateLogic(value, path);
  const problems: Problem[] = [];
  if (Array.isArray(value)) value.forEach((v, i) => appendAll(problems, validateValues(v, `${path}[${i}]`)));
  else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) appendAll(problems, validateValues(v, `${path}.${k}`));
  return problems;
}

const NONE: ReadonlySet<string> = new Set();

/**
 * The value with every expression inside it evaluated against `data`; values under `keep`
 * keys stay as written, and so does an expression for which `later` holds (one that reads
 * what `data` does not hold yet: it is evaluated where that is known).
 */
export function evaluateValues(value: JsonValue, data: unknown, path = '', keep: ReadonlySet<string> = NONE, later?: (expr: JsonValue) => boolean): JsonValue {
  if (isLogic(value)) return later?.(value) ? value : evaluate(value, data, path);
  if (Array.isArray(value)) return value.map((v, i) => evaluateValues(v, data, `${path}[${i}]`, keep, later));
  if (value && typeof value === 'object') {
    // fromEntries defines each key: a key named __proto__ never sets the object's prototype.
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, keep.has(k) ? v : evaluateValues(v, data, path ? `${path}.${k}` : k, keep, later)]));
  }
  return value;
}
