/**
 * Numbers a JavaScript number cannot hold (tester 17). JSON.parse reads `1e309` as Infinity,
 * which JSON then writes as null; `12345678901234567890` as 12345678901234567000; `1e-400`
 * as 0. A Dataset's attribute, a flow's default or a step's result so changed was stored and
 * used changed without a word (a rule saw Infinity at ingest, the same Dataset from a generate
 * step's result null). Such a number is refused where it is read, naming its place, with how
 * to keep it (write it as text). A fraction's last binary digits are not counted as lost: only
 * a number past the range, one read as 0, and a whole number not held exactly.
 */
import { parse } from 'lossless-json';

/** One number refused: where and why. */
export interface LossyNumber {
  path: string;
  message: string;
}

// A text with no 16 digits in a row and no three-digit exponent holds no number past the range,
// read as 0, or a whole number past 2^53 (a number past 2^53 has 16 digits, or an exponent).
export const SUSPECT = /[0-9]{16}|[eE][-+]?[0-9]{3}/;

/** Why the number written `text` (JSON or YAML number syntax) and read as `n` is lost, or undefined when it is held. */
export function lossOf(text: string, n: number): string | undefined {
  const keep = `write it as text ("${text}") to keep it`;
  if (!Number.isFinite(n)) return `the number ${text} is past the range of numbers strata holds (about ±1.8e308; it would be stored as null): ${keep}`;
  const m = /^[-+]?([0-9]*)(?:\.([0-9]*))?(?:[eE]([-+]?[0-9]+))?$/.exec(text);
  if (!m) return Number.isInteger(n) && !Number.isSafeInteger(n) ? wholeLoss(text, n, keep) : undefined;
  let digits = (m[1] + (m[2] ?? '')).replace(/^0+/, '');
  if (digits === '') return undefined; // zero, written some way
  if (n === 0) return `the number ${text} is too small for strata to hold (it would be read as 0): ${keep}`;
  let exp = Number(m[3] ?? 0) - (m[2] ?? '').length;
  const zeros = /0+$/.exec(digits)?.[0].length ?? 0;
  digits = digits.slice(0, digits.length - zeros);
  exp += zeros;
  if (exp < 0) return undefined; // a fraction: its last binary digits are a fraction's
  const exact = BigInt(digits) * 10n ** BigInt(exp);
  return exact === BigInt(Math.abs(n)) ? undefined : wholeLoss(text, n, keep);
}

function wholeLoss(text: string, n: number, keep: string): string {
  return `the whole number ${text} cannot be held exactly by strata (it would be read as ${BigInt(n)}; whole numbers are exact up to 9007199254740991): ${keep}`;
}

/** Path of member `k` under `at`. */
export const member = (at: string, k: string | number) => (typeof k === 'number' ? `${at}[${k}]` : at === '' ? k : `${at}.${k}`);
export const under = (source: string, at: string) => (at === '' ? source : at.startsWith('[') ? `${source}${at}` : `${source}.${at}`);

/**
 * The numbers of JSON `text` a JavaScript number cannot hold, each with its path under
 * `source` (members whose path is in `skip` left out: values kept as their text elsewhere).
 * A text without a suspect pattern is not read again (the common case costs one regex test).
 */
export function lossyJsonNumbers(text: string, source: string, skip: ReadonlySet<string> = new Set()): LossyNumber[] {
  if (!SUSPECT.test(text)) return [];
  let value: unknown;
  try {
    value = parse(text, undefined, { parseNumber: (t: string) => new Written(t), onDuplicateKey: ({ newValue }) => newValue });
  } catch {
    return []; // not JSON: its parser says so
  }
  const out: LossyNumber[] = [];
  const stack: Array<[unknown, string]> = [[value, '']];
  while (stack.length > 0) {
    const [v, at] = stack.pop()!;
    if (skip.has(at)) continue;
    if (v instanceof Written) {
      const why = lossOf(v.text, Number(v.text));
      if (why !== undefined) out.push({ path: under(source, at), message: why });
    } else if (Array.isArray(v)) v.forEach((c, i) => stack.push([c, member(at, i)]));
    else if (v !== null && typeof v === 'object') for (const [k, c] of Object.entries(v)) stack.push([c, member(at, k)]);
  }
  return out.reverse();
}

/** A JSON number's text, as lossless-json hands it over. */
class Written {
  constructor(readonly text: string) {}
}

/** Whether `value` (parsed) holds a number past the range or a whole number past 2^53, walked without recursion. */
export function holdsSuspectNumber(value: unknown): boolean {
  const stack = [value];
  while (stack.length > 0) {
    const v = stack.pop();
    if (typeof v === 'number') {
      if (!Number.isFinite(v) || v > Number.MAX_SAFE_INTEGER || v < -Number.MAX_SAFE_INTEGER) return true;
    } else if (v !== null && typeof v === 'object') for (const c of Array.isArray(v) ? v : Object.values(v)) stack.push(c);
  }
  return false;
}
