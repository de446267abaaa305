/**
 * JSON numbers kept as their text (argo-tester-3 N10). A JavaScript number writes `1.50`
 * back as `1.5`, `1e2` as `100` and `12345678901234567890` as `12345678901234567000`; Argo
 * keeps a loop item's JSON text (pkg/apis/workflow/v1alpha1/item.go: a json.RawMessage),
 * so a number substituted into an argument is the text the producer wrote. A number whose
 * text a JavaScript number would change is read as an ExactNumber: substitution writes its
 * text (exactJson), json-logic compares and adds it as the number it is (valueOf), and a
 * JSON crossing that does not know it (JSON.stringify) gets the nearest JavaScript number.
 */
import { parse, stringify } from 'lossless-json';
import type { JsonValue } from '../flow/types.ts';

/** A JSON number that keeps its text (`1.50`, `1e2`, `12345678901234567890`). */
export class ExactNumber {
  readonly #text: string;

  constructor(text: string) {
    this.#text = text;
  }

  /** The number as written. */
  get text(): string {
    return this.#text;
  }

  /** The nearest JavaScript number: what comparisons and arithmetic see. */
  valueOf(): number {
    return Number(this.#text);
  }

  toString(): string {
    return this.#text;
  }

  /** For writers that do not know ExactNumber: the nearest JavaScript number. */
  toJSON(): number {
    return Number(this.#text);
  }
}

/**
 * `v` as operations compare and compute with it: an ExactNumber as its number (its
 * valueOf), any other value as it is. Operators that test a value's type (`typeof`,
 * `===`, Array `indexOf`, truthiness) would otherwise see an object.
 */
export function plainValue(v: unknown): unknown {
  return v instanceof ExactNumber ? v.valueOf() : v;
}

/** A number's text as a JavaScript number when it writes back the same, else an ExactNumber. */
function readNumber(text: string): number | ExactNumber {
  const n = Number(text);
  return String(n) === text ? n : new ExactNumber(text);
}

// A JSON text with no fraction, exponent, integer of 16 digits or more, or -0 has only numbers
// a JavaScript number writes back as they are: JSON.parse reads it (3 to 6 times faster than
// lossless-json, measured on 6-10 MB lists). A string holding such a pattern only takes the slow path.
const INEXACT = /[0-9][.eE]|[0-9]{16}|(?:^|[\s:,[])-0(?![0-9])/;

/** Whether JSON `text` may hold a number a JavaScript number would write back otherwise (else JSON.parse reads it exactly). */
export function mayHoldInexactNumbers(text: string): boolean {
  return INEXACT.test(text);
}

/**
 * `text` read as JSON, each number whose text a JavaScript number would change as an
 * ExactNumber. Throws a SyntaxError where the text is not JSON. A duplicate key keeps
 * its last value, as JSON.parse and Go's encoding/json do; a step's output read at the run
 * is refused for one first (json-text.ts refuseDuplicateKeys).
 */
export function parseExactJson(text: string): JsonValue {
  if (!INEXACT.test(text)) return JSON.parse(text) as JsonValue;
  return parse(text, undefined, { parseNumber: readNumber, onDuplicateKey: ({ newValue }) => newValue }) as JsonValue;
}

const EXACT = [{ test: (v: unknown) => v instanceof ExactNumber, stringify: (v: unknown) => (v as ExactNumber).text }];

/** Compact JSON text of `value`, ExactNumbers written as their text; JSON.stringify's text for any value without one. */
export function exactJson(value: unknown): string {
  return hasExact(value) ? (stringify(value, undefined, undefined, EXACT) as string) : JSON.stringify(value);
}

/** Whether an ExactNumber is anywhere in `value` (lists and objects, as deep as they go). */
function hasExact(value: unknown): boolean {
  if (value instanceof ExactNumber) return true;
  if (Array.isArray(value)) return value.some(hasExact);
  if (value !== null && typeof value === 'object') return Object.values(value).some(hasExact);
  return false;
}
