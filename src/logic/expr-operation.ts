/**
 * `{"expr": [operator, ...operands]}`: an operator of Argo's `{{= }}` expressions applied
 * with expr-lang's own rules (github.com/expr-lang/expr, vm/runtime and vm/vm.go), where
 * json-logic's operators coerce: `+` adds two numbers or joins two texts and fails on a text
 * and a number (`"5" + 1` is "invalid operation: string + int" in expr, 6 in json-logic);
 * `- * / %` take numbers (`%` whole ones); `< <= > >=` compare two numbers or two texts;
 * `!` and the first operand of `&&`, `||` and `?:` must be booleans (expr's OpNot and jumps
 * assert bool); `in` looks in a list (equal elements) or a map (its keys), is false on nil,
 * and fails on anything else, a text included (expr's runtime.In: substrings are
 * `contains`); `contains`, `startsWith`, `endsWith` take two texts.
 *
 * Operators: `+ - * / % < <= > >= ! neg pos in contains startsWith endsWith bool` (`neg`,
 * `pos`: unary minus and plus; `bool`: the value itself when it is a boolean, its second
 * operand naming the operator that needs it). Each failure is an Error whose sentence
 * names the operator and the values, as expr's "invalid operation" does.
 *
 * A number read from JSON text that keeps its text (ExactNumber: a loop item's `1.50`) is
 * the number it is to every operator here, as Go's json reads it into a float64.
 */
import { plainValue } from './exact-number.ts';
import { finite, preview } from './numbers.ts';

/** The type expr would name for a JSON value: Go's int for a whole number, float64 for another. */
function typeName(v: unknown): string {
  if (v === null || v === undefined) return 'nil';
  if (typeof v === 'number') return Number.isInteger(v) ? 'int' : 'float64';
  if (typeof v === 'string') return 'string';
  if (typeof v === 'boolean') return 'bool';
  return Array.isArray(v) ? 'array' : 'map';
}

const isNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/** expr's "invalid operation" for `a op b`, with a hint at what Argo users write instead. */
function mismatch(op: string, a: unknown, b: unknown): Error {
  const hint =
    typeof a === 'string' || typeof b === 'string'
      ? ' (a parameter, a result and a loop item are text in Argo\'s expressions: read it as a number with asInt() or asFloat(), or write a number as text with string())'
      : '';
  return new Error(`invalid operation: ${preview(a)} ${op} ${preview(b)} (mismatched types ${typeName(a)} and ${typeName(b)}): Argo's expr fails here${hint}`);
}

function numbers(op: string, a: unknown, b: unknown): [number, number] {
  if (!isNumber(a) || !isNumber(b)) throw mismatch(op, a, b);
  return [a, b];
}

function compare(op: string, a: unknown, b: unknown): boolean {
  const bothText = typeof a === 'string' && typeof b === 'string';
  if (!bothText) numbers(op, a, b);
  const [x, y] = [a as number | string, b as number | string];
  return op === '<' ? x < y : op === '<=' ? x <= y : op === '>' ? x > y : x >= y;
}

/** expr's Equal for `in`: numbers by value, texts and booleans by value, nil to nil; lists and maps never (as reference types). */
const equal = (a: unknown, b: unknown): boolean => (plainValue(a) ?? null) === (plainValue(b) ?? null);

function membership(needle: unknown, haystack: unknown): boolean {
  if (haystack === null || haystack === undefined) return false;
  if (Array.isArray(haystack)) return haystack.some((x) => equal(x, needle));
  if (typeof haystack === 'object') {
    if (typeof needle !== 'string') throw new Error(`invalid operation: ${preview(needle)} in a map: a map's keys are texts, and ${typeName(needle)} is none (Argo's expr fails here)`);
    return Object.prototype.hasOwnProperty.call(haystack, needle);
  }
  const hint = typeof haystack === 'string' ? `; for a substring write ${preview(haystack)} contains ${preview(needle)}` : '';
  throw new Error(`operator "in" not defined on ${typeName(haystack)} (${preview(haystack)}): Argo's expr looks in a list or a map's keys${hint}`);
}

function texts(op: string, a: unknown, b: unknown): [string, string] {
  if (typeof a !== 'string' || typeof b !== 'string') throw new Error(`invalid operation: ${preview(a)} ${op} ${preview(b)}: ${op} takes two texts, not ${typeName(a)} and ${typeName(b)} (Argo's expr fails here)`);
  return [a, b];
}

function needBool(v: unknown, op: string): boolean {
  if (typeof v === 'boolean') return v;
  throw new Error(`invalid operation: ${op} needs a bool, and ${preview(v)} is ${typeName(v)} (Argo's expr fails here: compare a text, such as x == 'true')`);
}

const OPERATIONS: Record<string, (a: unknown, b: unknown) => unknown> = {
  '+': (a, b) => {
    if (typeof a === 'string' && typeof b === 'string') return a + b;
    const [x, y] = numbers('+', a, b);
    return finite(x + y, '+');
  },
  '-': (a, b) => finite(numbers('-', a, b).reduce((x, y) => x - y), '-'),
  '*': (a, b) => finite(numbers('*', a, b).reduce((x, y) => x * y), '*'),
  '/': (a, b) => {
    const [x, y] = numbers('/', a, b);
    if (y === 0) throw new Error(`"/": ${preview(a)} / ${preview(b)} is a division by zero`);
    return finite(x / y, '/');
  },
  '%': (a, b) => {
    const [x, y] = numbers('%', a, b);
    if (!Number.isInteger(x) || !Number.isInteger(y)) throw new Error(`invalid operation: ${preview(a)} % ${preview(b)}: % takes whole numbers (Argo's expr fails here)`);
    if (y === 0) throw new Error(`"%": ${preview(a)} % ${preview(b)} is a division by zero`);
    return x % y;
  },
  '<': (a, b) => compare('<', a, b),
  '<=': (a, b) => compare('<=', a, b),
  '>': (a, b) => compare('>', a, b),
  '>=': (a, b) => compare('>=', a, b),
  '!': (a) => !needBool(a, '!'),
  neg: (a) => {
    if (!isNumber(a)) throw new Error(`invalid operation: - ${preview(a)}: - takes a number, not ${typeName(a)} (Argo's expr fails here)`);
    return -a;
  },
  pos: (a) => {
    if (!isNumber(a)) throw new Error(`invalid operation: + ${preview(a)}: + takes a number, not ${typeName(a)} (Argo's expr fails here)`);
    return a;
  },
  in: (a, b) => membership(a, b),
  contains: (a, b) => {
    const [x, y] = texts('contains', a, b);
    return x.includes(y);
  },
  startsWith: (a, b) => {
    const [x, y] = texts('startsWith', a, b);
    return x.startsWith(y);
  },
  endsWith: (a, b) => {
    const [x, y] = texts('endsWith', a, b);
    return x.endsWith(y);
  },
  bool: (a, b) => needBool(a, typeof b === 'string' ? b : 'a condition'),
};

/** The operators `{"expr": [operator, ...]}` takes. */
export const EXPR_OPERATORS: ReadonlySet<string> = new Set(Object.keys(OPERATIONS));

/** `{"expr": [operator, a, b?]}` for json-logic-js's add_operation: throws an Error with a sentence when expr would fail. */
export function exprOperation(operator?: unknown, a?: unknown, b?: unknown): unknown {
  const fn = typeof operator === 'string' && Object.prototype.hasOwnProperty.call(OPERATIONS, operator) ? OPERATIONS[operator] : undefined;
  if (!fn) throw new Error(`"expr" has no operator ${preview(operator)} (${[...EXPR_OPERATORS].join(' ')})`);
  return fn(plainValue(a), plainValue(b));
}
