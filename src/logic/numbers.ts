/**
 * Numbers as json-logic's arithmetic reads them in strata: a number, or a text that is a
 * number from its first character to its last (`"12"`, `"-1.5e3"`), never a text's
 * leading digits (`"12abc"` is no 12, as JavaScript's parseFloat would read it) and
 * never a value that is no finite number (JSON has no Infinity or NaN, and writing one
 * into text gave `null`). The arithmetic operations that json-logic-js reads leniently
 * (`+ - * / % min max`, and `plus`) are given here as strict ones, and `int` and `float`
 * read a value as Argo's `asInt`/`asFloat` (expr-lang's `int`/`float`: Go's strconv.Atoi
 * and strconv.ParseFloat, which fail on any text that is not the whole number).
 * Each throws an Error whose sentence names the operation and the value.
 */
import { clipped } from '../errors/strata-error.ts';
import { ExactNumber } from './exact-number.ts';

/** A decimal number written whole: optional sign, digits with an optional fraction, optional exponent. */
const DECIMAL = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;
const WHOLE = /^[+-]?\d+$/;

/** A number read from JSON text (ExactNumber) as its text, which the readers below take as a number; any other value as it is. */
const unwrap = (v: unknown): unknown => (v instanceof ExactNumber ? v.text : v);

/** A value for a message: JSON, cut at 60 characters. */
export function preview(v: unknown): string {
  const s = v === undefined ? 'nothing' : typeof v === 'number' && !Number.isFinite(v) ? String(v) : JSON.stringify(v);
  return s.length > 60 ? `${s.slice(0, 60)}…` : s;
}

/** `n` when it is a finite number, else an Error saying what `op` gave. */
export function finite(n: number, op: string): number {
  if (!Number.isFinite(n)) throw new Error(`"${op}" gave ${String(n)}, which is no number strata can hold (JSON has no Infinity or NaN)`);
  return n;
}

/** `v` as a finite number when it is one or a text that is one whole (`"7"`, `"-2.5"`), else undefined. */
export function readNumber(raw: unknown): number | undefined {
  const v = unwrap(raw);
  if (typeof v === 'number') return Number.isFinite(v) ? v : undefined;
  if (typeof v !== 'string' || !DECIMAL.test(v)) return undefined;
  const n = Number(v);
  return Number.isFinite(n) ? n : undefined;
}

/** One operand of `op`: a finite number, or a text that is one whole. */
export function toNumber(raw: unknown, op: string): number {
  const v = unwrap(raw);
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'string' && DECIMAL.test(v)) {
    const n = Number(v);
    if (Number.isFinite(n)) return n;
    throw new Error(`"${op}" needs numbers: ${preview(v)} is beyond the largest number strata holds`);
  }
  throw new Error(`"${op}" needs numbers: ${preview(v)} is not a number`);
}

/**
 * Argo's `asInt` (expr-lang `int`): a number truncated toward zero; a text that is a whole
 * decimal number (strconv.Atoi), within ±(2^53 − 1), the integers JSON numbers hold exactly.
 */
export function toInt(raw: unknown): number {
  // A number read from JSON text is a number (asInt(item.x) of 1.50 is 1), not the text it keeps.
  if (raw instanceof ExactNumber) return exactInt(raw);
  const v = unwrap(raw);
  if (typeof v === 'number' && Number.isFinite(v)) return Math.trunc(v);
  if (typeof v === 'string' && WHOLE.test(v)) {
    const n = Number(v);
    if (Number.isSafeInteger(n)) return n;
    throw new Error(`int: ${preview(v)} is beyond the integers strata holds exactly (±9007199254740991)`);
  }
  throw new Error(`int: ${preview(v)} is not a whole number`);
}

/** An ExactNumber truncated toward zero, refused past ±(2^53 − 1), where its digits would change. */
function exactInt(n: ExactNumber): number {
  const v = Math.trunc(n.valueOf());
  if (Number.isSafeInteger(v)) return v;
  throw new Error(`int: ${clipped(n.text, 60)} is ${Number.isFinite(v) ? 'beyond the integers strata holds exactly (±9007199254740991)' : 'beyond the largest number strata holds'}`);
}

/** Argo's `asFloat` (expr-lang `float`): a number, or a text that is a decimal number whole (strconv.ParseFloat, less Inf and NaN). */
export function toFloat(raw: unknown): number {
  const v = unwrap(raw);
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'string' && DECIMAL.test(v)) {
    const n = Number(v);
    if (Number.isFinite(n)) return n;
    throw new Error(`float: ${preview(v)} is beyond the largest number strata holds`);
  }
  throw new Error(`float: ${preview(v)} is not a number`);
}

const nums = (op: string, xs: unknown[]): number[] => xs.map((x) => toNumber(x, op));

/** json-logic's arithmetic, strict: each operation for json-logic-js's add_operation. */
export const ARITHMETIC: Record<string, (...xs: unknown[]) => unknown> = {
  '+': (...xs) => finite(nums('+', xs).reduce((a, b) => a + b, 0), '+'),
  '*': (...xs) => {
    if (xs.length === 0) throw new Error('"*" needs numbers, and got none');
    return finite(nums('*', xs).reduce((a, b) => a * b), '*');
  },
  '-': (a, b) => (b === undefined ? -toNumber(a, '-') : finite(toNumber(a, '-') - toNumber(b, '-'), '-')),
  '/': (a, b) => {
    const [x, y] = nums('/', [a, b]);
    if (y === 0) throw new Error(`"/": ${preview(a)} / ${preview(b)} is a division by zero`);
    return finite(x / y, '/');
  },
  '%': (a, b) => {
    const [x, y] = nums('%', [a, b]);
    if (y === 0) throw new Error(`"%": ${preview(a)} % ${preview(b)} is a division by zero`);
    return x % y;
  },
  min: (...xs) => {
    if (xs.length === 0) throw new Error('"min" needs numbers, and got none');
    return nums('min', xs).reduce((a, b) => Math.min(a, b));
  },
  max: (...xs) => {
    if (xs.length === 0) throw new Error('"max" needs numbers, and got none');
    return nums('max', xs).reduce((a, b) => Math.max(a, b));
  },
  // Argo expr's `+`: two texts joined, anything else added as numbers.
  plus: (a, b) => (typeof a === 'string' && typeof b === 'string' ? a + b : finite(toNumber(a, '+') + toNumber(b, '+'), '+')),
  int: (v) => toInt(v),
  float: (v) => toFloat(v),
};
