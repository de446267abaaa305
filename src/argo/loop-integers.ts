/**
 * Numbers of a literal `withItems` list kept as written where Argo keeps them (argo-tester-3
 * and -5, N10). Argo reads YAML with go-yaml v2, which gives an integer an int64 or a uint64,
 * exactly: `withItems: [12345678901234567890]` and `[{id: 12345678901234567891}]` substitute
 * the digits, where a JavaScript number would write `12345678901234567000` (a fraction is a
 * float64 there too: `1.50` is `1.5` in both). A JSON document keeps every item's JSON text
 * in Argo (its items are json.RawMessage), so there `1.50`, `1e2` and `10.0` are kept too.
 *
 * Such a number is marked while the document travels through the importer as data (a text
 * starting with EXACT_MARK: a class instance would not survive its copies and checks), and
 * a list holding one becomes `{"fromJson": "<the list as JSON text>"}` (exactItems), read at
 * the run by fromJson, which keeps number text. Only under `withItems`: elsewhere a number
 * means a count or a duration. No I/O.
 */
import { isPair, isScalar, visit, type Document } from 'yaml';
import type { JsonValue } from '../flow/types.ts';
import { ExactNumber } from '../logic/exact-number.ts';

const DIGITS = /^[-+]?[0-9]+$/;
const INT64_MIN = -(2n ** 63n);
const UINT64_MAX = 2n ** 64n - 1n;

/** The start of a marked number's text: NUL, which no item a program is given can hold anyway (no argv or env carries it). */
const EXACT_MARK = '\u0000strata-exact-number:';

const underWithItems = (path: readonly unknown[]): boolean => path.some((p) => isPair(p) && isScalar(p.key) && p.key.value === 'withItems');

/** Mark, under every `withItems` key of `doc`, each integer JavaScript cannot hold (as go-yaml v2 reads it exactly). */
export function keepLoopIntegers(doc: Document.Parsed): void {
  visit(doc, {
    Scalar(_key, node, path) {
      if (typeof node.value !== 'number' || Number.isSafeInteger(node.value) || node.type !== 'PLAIN') return;
      const text = node.source;
      if (typeof text !== 'string' || !DIGITS.test(text)) return;
      const n = BigInt(text);
      if (n < INT64_MIN || n > UINT64_MAX) return;
      if (underWithItems(path)) node.value = EXACT_MARK + text.replace(/^\+/, '');
    },
  });
}

/** Whether `text` may hold such an integer at all (16 digits in a row): the document is walked only then. */
export function mayHoldBigIntegers(text: string): boolean {
  return /[0-9]{16}/.test(text);
}

/**
 * `json` (JSON.parse of a document) with each `withItems` list taken from `exact` (the same
 * text read by parseExactJson), its numbers a JavaScript number would write otherwise marked.
 * Both trees have the same shape; walked without recursion.
 */
export function keepJsonLoopNumbers(json: unknown, exact: unknown): unknown {
  const stack: Array<[unknown, unknown]> = [[json, exact]];
  while (stack.length > 0) {
    const [a, b] = stack.pop()!;
    if (a === null || typeof a !== 'object' || b === null || typeof b !== 'object') continue;
    for (const k of Object.keys(a)) {
      const x = (a as Record<string, unknown>)[k];
      const y = (b as Record<string, unknown>)[k];
      if (k === 'withItems' && !Array.isArray(a) && Array.isArray(y)) (a as Record<string, unknown>)[k] = marked(y);
      else stack.push([x, y]);
    }
  }
  return json;
}

/** A value read by parseExactJson with each ExactNumber (an object with its text) as a marked text. */
function marked(v: unknown): unknown {
  if (v instanceof ExactNumber) return EXACT_MARK + v.text;
  if (Array.isArray(v)) return v.map(marked);
  if (v !== null && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, marked(x)]));
  return v;
}

/** Whether a marked number is anywhere in `v`. */
function holdsMarked(v: unknown): boolean {
  if (typeof v === 'string') return v.startsWith(EXACT_MARK);
  if (Array.isArray(v)) return v.some(holdsMarked);
  if (v !== null && typeof v === 'object') return Object.values(v).some(holdsMarked);
  return false;
}

/** JSON text of `v`, each marked number written as its text. */
function jsonText(v: unknown): string {
  if (typeof v === 'string') return v.startsWith(EXACT_MARK) ? v.slice(EXACT_MARK.length) : JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map(jsonText).join(',')}]`;
  if (v !== null && typeof v === 'object') return `{${Object.entries(v).map(([k, x]) => `${JSON.stringify(k)}:${jsonText(x)}`).join(',')}}`;
  return JSON.stringify(v);
}

/** A literal withItems list as the fan-out's `over`: the list, or `{"fromJson": text}` when it holds a marked number. */
export function exactItems(list: JsonValue[]): JsonValue[] | { fromJson: string } {
  return holdsMarked(list) ? { fromJson: jsonText(list) } : list;
}
