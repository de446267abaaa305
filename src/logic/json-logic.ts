/**
 * json-logic, the only expression language of strata: rules, guards, fan-out lists and
 * cycle conditions are data evaluated by json-logic-js, never code. Validation rejects
 * unknown operators before anything is stored; `log` is removed so a document cannot
 * write to the service's console.
 */
import jsonLogic from 'json-logic-js';
import { StrataError, type Problem } from '../errors/strata-error.ts';
import type { JsonValue, Logic } from '../flow/types.ts';
import { jsonpathOperation } from './jsonpath-operation.ts';
import { logicCost } from './logic-cost.ts';

jsonLogic.rm_operation('log');

/**
 * The work one evaluation may do, in units: one per operation applied (json-logic-js's
 * `apply`, which it calls for every operation, argument and element it evaluates), plus one
 * per element or character of every list or string an operation gives (so `cat` doubling a
 * string or `in` over a long list count their size). About 50 ns a unit here: a full
 * budget is some 50 ms of one core. Counted, not timed: the same expression and data always
 * use the same units, on any machine.
 */
export const LOGIC_BUDGET = 1_000_000;

class OverBudget extends Error {}

/** Units left in the evaluation under way (evaluations are synchronous, so one at a time). */
let left: number | undefined;
const applyOnce = jsonLogic.apply;
// json-logic-js evaluates every part through `jsonLogic.apply`, so this counts them all.
jsonLogic.apply = function metered(logic: unknown, data: unknown): unknown {
  if (left === undefined) return applyOnce(logic as never, data as never);
  if (--left < 0) throw new OverBudget();
  const value = applyOnce(logic as never, data as never) as unknown;
  if (typeof value === 'string' || Array.isArray(value)) {
    left -= value.length;
    if (left < 0) throw new OverBudget();
  }
  return value;
} as typeof jsonLogic.apply;

/**
 * `var` reads own properties only, so no name, however it is computed
 * (`{"var": {"cat": ["con", "structor"]}}`), reaches a prototype or a function.
 */
jsonLogic.add_operation('var', function (this: unknown, name?: unknown, fallback?: unknown) {
  const notFound = fallback === undefined ? null : fallback;
  if (name === undefined || name === '' || name === null) return this;
  let data: unknown = this;
  for (const key of String(name).split('.')) {
    if (data === null || typeof data !== 'object' || !Object.prototype.hasOwnProperty.call(data, key)) return notFound;
    data = (data as Record<string, unknown>)[key];
    if (data === undefined || typeof data === 'function') return notFound;
  }
  return data;
});

jsonLogic.add_operation('jsonpath', jsonpathOperation);

export const OPERATORS = new Set([
  'jsonpath',
  '==', '===', '!=', '!==', '>', '>=', '<', '<=', '!!', '!', '%', 'in', 'cat', 'substr',
  '+', '*', '-', '/', 'min', 'max', 'merge', 'var', 'missing', 'missing_some', 'if', '?:',
  'and', 'or', 'filter', 'map', 'reduce', 'all', 'none', 'some',
]);

const FORBIDDEN_SEGMENTS = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * Every problem in a json-logic expression, each with its path under `path`: unknown
 * operators, forbidden names, and work beyond `budget` that its literals alone make certain
 * (logic-cost.ts), at the innermost part that exceeds it.
 */
export function validateLogic(expr: unknown, path: string, budget = LOGIC_BUDGET): Problem[] {
  const problems: Problem[] = [];
  walk(expr, path, problems, 0);
  if (problems.length > 0) return problems;
  const { worst } = logicCost(expr, path, budget);
  if (worst) problems.push({ path: worst.path, message: `json-logic would need about ${Math.round(worst.cost).toLocaleString('en')} operations, more than its budget of ${budget.toLocaleString('en')}` });
  return problems;
}

function walk(expr: unknown, path: string, problems: Problem[], depth: number): void {
  if (depth > 64) {
    problems.push({ path, message: 'json-logic expression is nested more than 64 levels deep' });
    return;
  }
  if (Array.isArray(expr)) {
    expr.forEach((e, i) => walk(e, `${path}[${i}]`, problems, depth + 1));
    return;
  }
  if (expr === null || typeof expr !== 'object') return;
  const keys = Object.keys(expr);
  if (keys.length !== 1) {
    // json-logic passes objects with several keys through as literals.
    for (const k of keys) walk((expr as Record<string, unknown>)[k], `${path}.${k}`, problems, depth + 1);
    return;
  }
  const op = keys[0];
  const arg = (expr as Record<string, unknown>)[op];
  if (!OPERATORS.has(op)) {
    problems.push({ path, message: `unknown json-logic operator "${op}"` });
    return;
  }
  if (op === 'var') {
    const name = Array.isArray(arg) ? arg[0] : arg;
    if (typeof name === 'string' && name.split('.').some((s) => FORBIDDEN_SEGMENTS.has(s))) {
      problems.push({ path: `${path}.var`, message: `variable "${name}" names a forbidden property` });
    }
  }
  walk(arg, `${path}.${op}`, problems, depth + 1);
}

/**
 * Evaluate an expression within `budget` units (LOGIC_BUDGET); a failure is a StrataError
 * naming `path`: `limit_exceeded` when the budget runs out, `invalid_logic` otherwise.
 */
export function evaluate(expr: Logic, data: unknown, path = '', budget = LOGIC_BUDGET): JsonValue {
  const outer = left;
  left = budget;
  try {
    return jsonLogic.apply(expr as never, data as never) as JsonValue;
  } catch (e) {
    if (e instanceof OverBudget) {
      const message = `json-logic used its budget of ${budget.toLocaleString('en')} operations and was stopped`;
      throw new StrataError('limit_exceeded', `${path ? path + ': ' : ''}${message}`, { problems: [{ path, message }] });
    }
    throw new StrataError('invalid_logic', `${path ? path + ': ' : ''}json-logic failed: ${(e as Error).message}`, {
      problems: [{ path, message: (e as Error).message }],
    });
  } finally {
    left = outer;
  }
}

/** json-logic truthiness (an empty list is false). */
export function truthy(value: unknown): boolean {
  return jsonLogic.truthy(value);
}

/** True when the value is an expression rather than a literal. */
export function isLogic(value: unknown): boolean {
  return jsonLogic.is_logic(value) && OPERATORS.has(Object.keys(value as object)[0]);
}
