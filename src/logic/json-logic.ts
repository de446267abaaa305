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
import { fromJsonOperation } from './json-text.ts';
import { exactJson, plainValue } from './exact-number.ts';
import { govaluateLiteral, requireBoolean } from './govaluate.ts';
import { EXPR_OPERATORS, exprOperation } from './expr-operation.ts';
import { logicCost } from './logic-cost.ts';
import { ARITHMETIC } from './numbers.ts';
import { printf } from './printf.ts';
import { range } from './range.ts';
import { appendAll } from '../flow/append-all.ts';

jsonLogic.rm_operation('log');

// A number read from JSON text that keeps its text (ExactNumber: `1.50`, `0.0`) is an object
// to JavaScript: `===`, `==` between two of them, Array indexOf and truthiness would see the
// object, not the number (`0.0` true, `1.50 === 1.5` false). These compare and test its number;
// `<`, `>`, arithmetic (numbers.ts) and `cat` (its text) already read it through valueOf/toString.
const plainTruthy = jsonLogic.truthy;
jsonLogic.truthy = (value: unknown): boolean => plainTruthy(plainValue(value));
jsonLogic.add_operation('==', (a?: unknown, b?: unknown) => plainValue(a) == plainValue(b));
jsonLogic.add_operation('!=', (a?: unknown, b?: unknown) => plainValue(a) != plainValue(b));
jsonLogic.add_operation('===', (a?: unknown, b?: unknown) => plainValue(a) === plainValue(b));
jsonLogic.add_operation('!==', (a?: unknown, b?: unknown) => plainValue(a) !== plainValue(b));
jsonLogic.add_operation('in', (a?: unknown, b?: unknown) => {
  if (Array.isArray(b)) {
    const x = plainValue(a);
    return b.some((e) => plainValue(e) === x);
  }
  // A text: json-logic's substring test (an ExactNumber is looked for as its text).
  return typeof b === 'string' ? b.includes(String(a)) : false;
});

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

/** An error raised inside a `where`, its message already naming the place: an outer `where` leaves it as it is. */
class Placed extends Error {}

/** The [place, expression] of a `{"where": [place, expression]}`, else undefined. */
function whereOf(logic: unknown): [string, unknown] | undefined {
  if (logic === null || typeof logic !== 'object' || Array.isArray(logic) || !Object.prototype.hasOwnProperty.call(logic, 'where')) return undefined;
  const arg = (logic as { where: unknown }).where;
  return Array.isArray(arg) && arg.length === 2 && typeof arg[0] === 'string' && Object.keys(logic).length === 1 ? [arg[0], arg[1]] : undefined;
}

/**
 * The place a `{"where": [place, expression]}` names (an imported document's template, step
 * and field: `template main, step each, withParam "{{...}}"`), else undefined: how a check
 * on the value it gave (a fan-out's item limit) says where it came from in the document's terms.
 */
export function placeOf(logic: unknown): string | undefined {
  return whereOf(logic)?.[0];
}

/** Units left in the evaluation under way (evaluations are synchronous, so one at a time). */
let left: number | undefined;
const applyOnce = jsonLogic.apply;
// json-logic-js evaluates every part through `jsonLogic.apply`, so this counts them all.
jsonLogic.apply = function metered(logic: unknown, data: unknown): unknown {
  // `where` names the place of what it holds in any error from inside it (an imported
  // expression's template, field and text). json-logic-js evaluates an operation's arguments
  // before the operation, so it is done here, around the evaluation of its expression.
  const where = whereOf(logic);
  if (where) {
    try {
      return jsonLogic.apply(where[1] as never, data as never) as unknown;
    } catch (e) {
      if (e instanceof OverBudget || e instanceof Placed) throw e;
      throw new Placed(`${where[0]}: ${(e as Error).message}`);
    }
  }
  if (left === undefined) return applyOnce(logic as never, data as never);
  if (--left < 0) throw new OverBudget();
  const value = applyOnce(logic as never, data as never) as unknown;
  if (typeof value === 'string' || Array.isArray(value)) {
    left -= value.length;
    if (left < 0) throw new OverBudget();
  }
  return value;
} as typeof jsonLogic.apply;

/** Units a jsonpath search costs per value inside what it searches: jsonpath-plus takes about 1 µs a value, 20 units' time. */
const SEARCH_UNITS = 20;

/**
 * Takes `units` per value inside `value` (each key's value and each element, at any depth; a
 * text's characters) from the evaluation under way, stopping it when they run out: the count
 * stops there too, so charging a huge value costs no more than the budget left.
 */
function chargeSize(value: unknown, units: number): void {
  if (left === undefined) return;
  if (typeof value === 'string') left -= value.length * units;
  const stack: unknown[] = [value];
  while (stack.length > 0 && left >= 0) {
    const v = stack.pop();
    if (v === null || typeof v !== 'object') continue;
    const inside = Array.isArray(v) ? v : Object.values(v);
    left -= inside.length * units;
    for (const x of inside) if (x !== null && typeof x === 'object') stack.push(x);
  }
  if (left < 0) throw new OverBudget();
}

/**
 * A value the evaluator cannot know (a step result in a dry run). Reading it, or anything
 * holding it, with `var` or `result` marks the evaluation as unknown (see evaluateKnowing)
 * and reads null.
 */
export const UNKNOWN: JsonValue = Object.freeze({ '(unknown)': true }) as JsonValue;

/** Set while evaluateKnowing runs (evaluation is synchronous): whether an unknown value was read. */
let tracker: { unknown: boolean } | undefined;

/** Whether `v` is or holds UNKNOWN; looks at most `budget` values deep, and past that says yes (only while tracking). */
function holdsUnknown(v: unknown): boolean {
  if (v === UNKNOWN) return true;
  if (v === null || typeof v !== 'object') return false;
  let budget = 10_000;
  const stack: unknown[] = [v];
  while (stack.length > 0) {
    const x = stack.pop();
    if (x === UNKNOWN) return true;
    if (x === null || typeof x !== 'object') continue;
    if (--budget < 0) return true;
    for (const c of Array.isArray(x) ? x : Object.values(x)) if (c !== null && typeof c === 'object') stack.push(c);
  }
  return false;
}

/** What `var` and `result` give for a value read: itself, or null when it is (or holds) an unknown one. */
function known(v: unknown, notFound: unknown): unknown {
  if (tracker && holdsUnknown(v)) {
    tracker.unknown = true;
    return notFound;
  }
  return v;
}

/** Read `path` (dot-separated) from `data`, own properties only. */
function readPath(data: unknown, path: string, notFound: unknown): unknown {
  for (const key of path.split('.')) {
    if (data === UNKNOWN) return known(data, notFound);
    if (data === null || typeof data !== 'object' || !Object.prototype.hasOwnProperty.call(data, key)) return notFound;
    data = (data as Record<string, unknown>)[key];
    if (data === undefined || typeof data === 'function') return notFound;
  }
  return known(data, notFound);
}

/**
 * `var` reads own properties only, so no name, however it is computed
 * (`{"var": {"cat": ["con", "structor"]}}`), reaches a prototype or a function.
 */
jsonLogic.add_operation('var', function (this: unknown, name?: unknown, fallback?: unknown) {
  const notFound = fallback === undefined ? null : fallback;
  if (name === undefined || name === '' || name === null) return known(this, notFound);
  return readPath(this, String(name), notFound);
});

/**
 * `{"at": ["params", "a.b"]}`: the value at these keys of the data, each key taken whole,
 * where `var` splits its path at "." (so an Argo parameter named `a.b` can be read). Own
 * properties only, as `var`; null when a key is not there.
 */
jsonLogic.add_operation('at', function (this: unknown, ...keys: unknown[]) {
  let data: unknown = this;
  for (const k of keys) {
    if (data === UNKNOWN) return known(data, null);
    const key = String(k);
    if (data === null || typeof data !== 'object' || !Object.prototype.hasOwnProperty.call(data, key)) return null;
    data = (data as Record<string, unknown>)[key];
    if (data === undefined || typeof data === 'function') return null;
  }
  return known(data, null);
});

/**
 * Where `result` finds step results: the engine puts a reader under this key of the data
 * (a symbol, so `var` can never reach it). It takes a step path as inputs do.
 */
export const STEP_RESULTS: unique symbol = Symbol('strata step results');
export type StepResultReader = (path: string) => JsonValue | undefined;

/**
 * `{"result": "build-v1.2"}`, `{"result": ["fan/3", "count.total"]}`: a step's result by
 * its step path, dots and all (a plain path from the unit root, `./x` and `../x` from the
 * step's parent, as in inputs), then optionally a dotted path inside it. Null when the
 * step has no result (it has not ended, was skipped, or failed without giving one); a
 * reader may refuse that instead, naming why (a task's computed fields do).
 */
jsonLogic.add_operation('result', function (this: unknown, path?: unknown, field?: unknown) {
  const read = (this as { [STEP_RESULTS]?: StepResultReader } | null)?.[STEP_RESULTS];
  if (typeof read !== 'function') throw new Error('"result" reads step results, and there are none here (it works in a flow\'s when, fanOut.over, cycle.until and use.with)');
  if (typeof path !== 'string' || path === '') throw new Error('"result" needs a step path');
  const v = read(path);
  if (v === undefined) return null;
  if (field === undefined || field === null || field === '') return known(v, null);
  return readPath(v, String(field), null);
});

// A search reads the whole value it is given (its depth checked, then walked), whatever it
// finds: it costs SEARCH_UNITS per value inside, or a reduce could search a large object once
// per element for one unit each (a guard held the coordinator's thread minutes).
jsonLogic.add_operation('jsonpath', (value?: unknown, path?: unknown, required?: unknown) => {
  chargeSize(value, SEARCH_UNITS);
  return jsonpathOperation(value, path, required);
});
jsonLogic.add_operation('fromJson', fromJsonOperation);

/** Where `output` finds steps' named output parameters (as STEP_RESULTS for results). */
export const STEP_OUTPUTS: unique symbol = Symbol('strata step output parameters');
/** `name`: the parameter the `output` operation reads (a reader may refuse a step without it, naming why). */
export type StepOutputReader = (path: string, name?: string) => Record<string, JsonValue> | undefined;

/**
 * `{"output": ["train/v1.2", "model"]}`: a step's named output parameter, the step path
 * written as in `result`. Null when the step has not given it; with a third argument
 * `"required"` (as jsonpath's) that fails instead, saying why (the step's status), so a
 * `where` around it names the place (an Argo steps template's output read from a skipped step).
 * With `"given"`, whether the step gave it (true or false, never a failure, also where a
 * task's fields read outputs strictly): a fallback can be chosen by it, as Argo's
 * `valueFrom.default` is taken whenever the parameter cannot be resolved.
 */
jsonLogic.add_operation('output', function (this: unknown, path?: unknown, name?: unknown, required?: unknown) {
  const read = (this as { [STEP_OUTPUTS]?: StepOutputReader } | null)?.[STEP_OUTPUTS];
  if (typeof read !== 'function') throw new Error('"output" reads steps\' output parameters, and there are none here (it works in a flow\'s when, fanOut.over, cycle.until and use.with)');
  if (typeof path !== 'string' || path === '' || typeof name !== 'string' || name === '') throw new Error('"output" needs a step path and a parameter name');
  if (required === 'given') return outputGiven(read, path, name);
  const params = read(path, name);
  if (params !== undefined && Object.prototype.hasOwnProperty.call(params, name)) return known(params[name], null);
  if (required !== 'required') return null;
  const status = (this as { [STEP_STATUSES]?: StepStatusReader } | null)?.[STEP_STATUSES]?.(path);
  throw new Error(status === 'succeeded' || typeof status !== 'string' ? `the step gave no output parameter "${name}"` : `the step has not succeeded (it is ${status}), so it gave no output parameter "${name}"`);
});

/** Whether the step at `path` gave output parameter `name`; null (unknown) in a dry run when its parameters are not known. */
function outputGiven(read: StepOutputReader, path: string, name: string): boolean | null {
  let params: Record<string, JsonValue> | undefined;
  try {
    params = read(path, name);
  } catch {
    // A task field's reader refuses a step without it, naming why: here that is a no.
    return false;
  }
  if (params !== undefined && known(params, undefined) === undefined) return null;
  return params !== undefined && Object.prototype.hasOwnProperty.call(params, name);
}

/** Where `status` finds steps' statuses (as STEP_RESULTS for results). */
export const STEP_STATUSES: unique symbol = Symbol('strata step statuses');
export type StepStatusReader = (path: string) => unknown;

/**
 * `{"status": "flaky"}`: a step's status by its step path (written as in `result`):
 * `succeeded`, `failed`, `skipped`, `cancelled`, or `pending`/`running` before it ended.
 */
jsonLogic.add_operation('status', function (this: unknown, path?: unknown) {
  const read = (this as { [STEP_STATUSES]?: StepStatusReader } | null)?.[STEP_STATUSES];
  if (typeof read !== 'function') throw new Error('"status" reads steps\' statuses, and there are none here (it works in a flow\'s when, fanOut.over, cycle.until and use.with, and in computed task fields)');
  if (typeof path !== 'string' || path === '') throw new Error('"status" needs a step path');
  return known(read(path), null);
});

/** Where `exitCode` finds steps' exit codes (as STEP_STATUSES for statuses). */
export const STEP_EXIT_CODES: unique symbol = Symbol('strata step exit codes');
export type StepExitCodeReader = (path: string) => unknown;

/**
 * `{"exitCode": "check"}`: the exit code of step `check`'s program (a number: 0 for a step
 * that succeeded, the program's own for one that failed), by its step path as in `status`;
 * null when it has none (it has not ended, was skipped, or was stopped before its program
 * gave one). Argo's `{{steps.X.exitCode}}` (argo-workflows operator.go: a node's outputs.exitCode).
 */
jsonLogic.add_operation('exitCode', function (this: unknown, path?: unknown) {
  const read = (this as { [STEP_EXIT_CODES]?: StepExitCodeReader } | null)?.[STEP_EXIT_CODES];
  if (typeof read !== 'function') throw new Error('"exitCode" reads steps\' exit codes, and there are none here (it works in a flow\'s when, fanOut.over, cycle.until and use.with, and in computed task fields)');
  if (typeof path !== 'string' || path === '') throw new Error('"exitCode" needs a step path');
  return known(read(path) ?? null, null);
});

/**
 * `{"text": value}`: the value as substitution writes it: a string as itself, anything
 * else as compact JSON (so `cat` can join a list into text as `{{ }}` would).
 */
jsonLogic.add_operation('text', (value?: unknown) => (typeof value === 'string' ? value : exactJson(value ?? null)));

/** `{"govaluate": text}` and `{"boolean": value}`: Argo's govaluate `when`, as govaluate.ts says. */
jsonLogic.add_operation('govaluate', (value?: unknown) => govaluateLiteral(value));
jsonLogic.add_operation('boolean', (value?: unknown) => requireBoolean(value));

/** `{"expr": [operator, a, b?]}`: an operator of Argo's `{{= }}` expressions with expr-lang's type rules (expr-operation.ts). */
jsonLogic.add_operation('expr', exprOperation);

/**
 * `{"range": [start, end, step?, format?]}`: numbers from start to end, both included
 * (range.ts); `{"format": [pattern, value]}`: printf-style text (printf.ts). Used by
 * fan-outs over numeric ranges (Argo's withSequence), rules and guards alike.
 */
jsonLogic.add_operation('range', (start?: unknown, end?: unknown, step?: unknown, format?: unknown) => range(start, end, step, format));
jsonLogic.add_operation('format', (pattern?: unknown, value?: unknown) => {
  if (typeof pattern !== 'string') throw new Error('"format" needs a pattern string first, such as ["%03d", 7]');
  return printf(pattern, value);
});

/**
 * Arithmetic read strictly (numbers.ts): `+ - * / % min max` take numbers or texts that are
 * numbers whole, and give finite numbers or fail with a sentence, where json-logic-js read
 * `"12abc"` as 12 and wrote Infinity and NaN as null. `{"plus": [a, b]}` is Argo expr's `+`
 * (two texts joined, anything else added); `{"int": v}` and `{"float": v}` are Argo's
 * `asInt`/`asFloat`: a number (int truncates), or a text that is the whole number.
 */
for (const [op, fn] of Object.entries(ARITHMETIC)) jsonLogic.add_operation(op, fn);

export const OPERATORS = new Set([
  'jsonpath', 'fromJson', 'int', 'float', 'where', 'at',
  '==', '===', '!=', '!==', '>', '>=', '<', '<=', '!!', '!', '%', 'in', 'cat', 'substr',
  '+', '*', '-', '/', 'min', 'max', 'merge', 'var', 'missing', 'missing_some', 'if', '?:',
  'and', 'or', 'filter', 'map', 'reduce', 'all', 'none', 'some', 'result', 'output', 'status', 'exitCode', 'text', 'range', 'format', 'plus', 'govaluate', 'boolean', 'expr',
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

/** Levels of lists and operators a json-logic expression may nest (each operator's object and its list of arguments are one each). */
export const MAX_LOGIC_DEPTH = 64;

function walk(expr: unknown, path: string, problems: Problem[], depth: number): void {
  if (depth > MAX_LOGIC_DEPTH) {
    problems.push({ path, message: `json-logic expression is nested more than ${MAX_LOGIC_DEPTH} levels deep` });
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
  if (op === 'var' || op === 'result') {
    const name = Array.isArray(arg) ? arg[op === 'var' ? 0 : 1] : op === 'var' ? arg : undefined;
    if (typeof name === 'string' && name.split('.').some((s) => FORBIDDEN_SEGMENTS.has(s))) {
      problems.push({ path: `${path}.${op}`, message: `${op === 'var' ? 'variable' : 'field'} "${name}" names a forbidden property` });
    }
  }
  if (op === 'at' && !(Array.isArray(arg) ? arg.every((k) => typeof k === 'string' || typeof k === 'number' || isObjectExpr(k)) : typeof arg === 'string')) {
    problems.push({ path: `${path}.at`, message: 'must be a list of keys, each read whole: ["params", "a.b"]' });
  }
  if (op === 'at' && (Array.isArray(arg) ? arg : [arg]).some((k) => typeof k === 'string' && FORBIDDEN_SEGMENTS.has(k))) {
    problems.push({ path: `${path}.at`, message: 'names a forbidden property' });
  }
  if (op === 'output' && !(Array.isArray(arg) && (arg.length === 2 || (arg.length === 3 && (arg[2] === 'required' || arg[2] === 'given'))) && (typeof arg[0] === 'string' || isObjectExpr(arg[0])) && (typeof arg[1] === 'string' || isObjectExpr(arg[1])))) {
    problems.push({ path: `${path}.output`, message: 'must be [step path, parameter name], or [step path, parameter name, "required" or "given"]' });
  }
  if (op === 'jsonpath' && Array.isArray(arg) && arg.length > 2 && !(arg.length === 3 && arg[2] === 'required')) {
    problems.push({ path: `${path}.jsonpath`, message: 'must be [value, path], or [value, path, "required"]' });
  }
  if (op === 'expr' && !(Array.isArray(arg) && arg.length >= 2 && arg.length <= 3 && typeof arg[0] === 'string' && EXPR_OPERATORS.has(arg[0]))) {
    problems.push({ path: `${path}.expr`, message: `must be [operator, operand] or [operator, operand, operand], the operator one of ${[...EXPR_OPERATORS].join(' ')}` });
  }
  if (op === 'where' && !(Array.isArray(arg) && arg.length === 2 && typeof arg[0] === 'string')) {
    problems.push({ path: `${path}.where`, message: 'must be [place, expression]: a text naming where the expression comes from, and the expression' });
  }
  if ((op === 'status' || op === 'exitCode') && !(typeof arg === 'string' || isObjectExpr(arg) || (Array.isArray(arg) && arg.length === 1 && (typeof arg[0] === 'string' || isObjectExpr(arg[0]))))) {
    problems.push({ path: `${path}.${op}`, message: 'must be a step path' });
  }
  if (op === 'result') {
    const step = Array.isArray(arg) ? arg[0] : arg;
    if (!(typeof step === 'string' || isObjectExpr(step)) || (Array.isArray(arg) && arg.length > 2)) {
      problems.push({ path: `${path}.result`, message: 'must be a step path, or [step path, field path]' });
    }
  }
  walk(arg, `${path}.${op}`, problems, depth + 1);
}

function isObjectExpr(v: unknown): boolean {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/**
 * Evaluate, and say whether the value depended on something unknown (UNKNOWN read through
 * `var` or `result`): the dry run's way of telling what it cannot know from what it can.
 */
export function evaluateKnowing(expr: Logic, data: unknown, path = ''): { value: JsonValue; unknown: boolean } {
  return tracking(() => evaluate(expr, data, path));
}

/**
 * Run `fn` (evaluations), saying whether any of them read an unknown value. An error after
 * an unknown value was read gives null, unknown: the unknown value read as null, which
 * strict arithmetic refuses, so the value is not known rather than wrong.
 */
export function tracking<T extends JsonValue>(fn: () => T): { value: T | null; unknown: boolean } {
  const outer = tracker;
  const mine = { unknown: false };
  tracker = mine;
  try {
    return { value: fn(), unknown: mine.unknown };
  } catch (e) {
    if (mine.unknown) return { value: null, unknown: true };
    throw e;
  } finally {
    tracker = outer;
  }
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
    // A `where`'s error names its own place (an imported expression): `path` is not put before it.
    const placed = e instanceof Placed;
    const what = (e as Error).message;
    throw new StrataError('invalid_logic', `${path && !placed ? path + ': ' : ''}${what}`, {
      problems: [{ path, message: (e as Error).message }],
      // Its message names its own place already: a caller puts no field of its own before it.
      ...(placed ? { placed: true } : {}),
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

const READERS = new Set(['var', 'at', 'missing', 'missing_some', 'result', 'output', 'status', 'exitCode']);
/** Readers of a step's outcome: only a run knows what they read. */
const OUTCOME_READERS = new Set(['result', 'output', 'status', 'exitCode']);
/** Operators whose later arguments read each element of their first (a var there names an element's field). */
const ITERATORS = new Set(['map', 'filter', 'reduce', 'all', 'some', 'none']);

/**
 * Whether `expr` reads data outside `roots` (a `var`, `at`, `missing` or `missing_some` path
 * whose first key is not one of them) or a step's outcome (`result`, `output`, `status`,
 * `exitCode`): what only a run knows, where `roots` are what is known now. A var inside an
 * iterator's body reads an element and is not judged; a path computed by an expression is
 * judged by that expression.
 */
export function readsBeyond(expr: unknown, roots: ReadonlySet<string>): boolean {
  if (Array.isArray(expr)) return expr.some((e) => readsBeyond(e, roots));
  if (expr === null || typeof expr !== 'object') return false;
  const beyond = (path: unknown): boolean => (typeof path === 'string' ? path !== '' && !roots.has(path.split('.')[0]!) : readsBeyond(path, roots));
  for (const [op, arg] of Object.entries(expr)) {
    if (OUTCOME_READERS.has(op)) return true;
    const args = Array.isArray(arg) ? arg : [arg];
    if (op === 'var' && beyond(args[0])) return true;
    if (op === 'at' && (typeof args[0] === 'string' ? !roots.has(args[0]) : readsBeyond(args[0], roots))) return true;
    if (op === 'missing' && args.some(beyond)) return true;
    if (op === 'missing_some' && (Array.isArray(args[1]) ? args[1].some(beyond) : readsBeyond(args[1], roots))) return true;
    if (op === 'var' || op === 'at' || op === 'missing' || op === 'missing_some') {
      if (args.slice(1).some((a) => readsBeyond(a, roots))) return true;
      continue;
    }
    if (ITERATORS.has(op) ? readsBeyond(args[0], roots) || readsBeyond(args.slice(2), roots) : readsBeyond(args, roots)) return true;
  }
  return false;
}

/** Whether an expression reads any data at all; one that does not has the same value everywhere. */
export function readsData(expr: unknown): boolean {
  const stack: unknown[] = [expr];
  while (stack.length > 0) {
    const e = stack.pop();
    if (Array.isArray(e)) appendAll(stack, e);
    else if (e !== null && typeof e === 'object') {
      for (const [k, v] of Object.entries(e)) {
        if (READERS.has(k)) return true;
        stack.push(v);
      }
    }
  }
  return false;
}
