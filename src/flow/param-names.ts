/**
 * Names no parameter may have: `__proto__`, `constructor` and `prototype` are JavaScript's
 * object internals. json-logic's `var` never reads them (json-logic.ts), and a parameter
 * so named would reach an object's prototype wherever a name is used as a key, so every
 * place parameters enter (a flow's `spec.params`, a `use`'s `with`, a run's `params`, `-p`,
 * an Argo document's parameters) refuses them by name, before anything is stored.
 */
import type { Problem } from '../errors/strata-error.ts';

const INTERNALS = new Set(['__proto__', 'constructor', 'prototype']);

/** Whether `name` is one of the names no parameter may have. */
export function isForbiddenParamName(name: string): boolean {
  return INTERNALS.has(name);
}

/** The sentence for a parameter named `name`. */
export function forbiddenParamMessage(name: string): string {
  return `"${name}" cannot name a parameter in strata: __proto__, constructor and prototype are JavaScript's object internals, which strata never reads as parameters; rename it`;
}

/** A problem for each own key of `params` (an object of parameters at `path`) that no parameter may have. */
export function paramNameProblems(params: unknown, path: string): Problem[] {
  if (params === null || typeof params !== 'object' || Array.isArray(params)) return [];
  return Object.keys(params).filter(isForbiddenParamName).map((k) => ({ path: `${path}.${k}`, message: forbiddenParamMessage(k) }));
}
