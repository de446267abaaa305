/**
 * Integers of a literal `withItems` list that a JavaScript number cannot hold, kept as
 * their text (argo-tester-3 N10). Argo reads YAML with go-yaml v2, which gives an integer
 * an int64 or a uint64, exactly: `withItems: [12345678901234567890]` substitutes
 * `12345678901234567890`, where a JavaScript number would write `12345678901234567000`.
 * Such an integer (a plain scalar of decimal digits past ±(2^53 − 1), within int64/uint64;
 * past them go-yaml too reads a float) becomes the string of its digits, which substitution
 * writes as they are. Only under `withItems`: elsewhere a number means a count or a duration.
 * No I/O: changes the parsed YAML document in place, before it is turned into data. A JSON
 * document is read by JSON.parse and keeps no such text (open: Argo keeps a JSON item whole).
 */
import { isPair, isScalar, visit, type Document } from 'yaml';

const DIGITS = /^[-+]?[0-9]+$/;
const INT64_MIN = -(2n ** 63n);
const UINT64_MAX = 2n ** 64n - 1n;

/** Replace, under every `withItems` key of `doc`, each integer JavaScript cannot hold by its text. */
export function keepLoopIntegers(doc: Document.Parsed): void {
  visit(doc, {
    Scalar(_key, node, path) {
      if (typeof node.value !== 'number' || Number.isSafeInteger(node.value) || node.type !== 'PLAIN') return;
      const text = node.source;
      if (typeof text !== 'string' || !DIGITS.test(text)) return;
      const n = BigInt(text);
      if (n < INT64_MIN || n > UINT64_MAX) return;
      if (path.some((p) => isPair(p) && isScalar(p.key) && p.key.value === 'withItems')) node.value = text.replace(/^\+/, '');
    },
  });
}

/** Whether `text` may hold such an integer at all (16 digits in a row): the document is walked only then. */
export function mayHoldBigIntegers(text: string): boolean {
  return /[0-9]{16}/.test(text);
}
