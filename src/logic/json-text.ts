/**
 * Text that may be JSON, read without changing it: standard output taken as a result and
 * `-p key=value` values are JSON only when reading them loses nothing of their text, so
 * a value written back into an argument (substitution) is the text the program or the
 * user gave. `1.50`, `1e3`, `0010`, `12345678901234567890`, `{"a": 1.0}` and `"\u0041"`
 * stay text: as JSON they would be written back `1.5`, `1000`, a rounded number,
 * `{"a":1}`, `"A"`. White space between tokens is not text kept: `[1, 2]` is the list.
 */
import type { JsonValue } from '../flow/types.ts';
import { clipped } from '../errors/strata-error.ts';
import { exactJson, parseExactJson } from './exact-number.ts';
import { jsonTooDeep, MAX_DATA_DEPTH, tooDeepText } from './json-nesting.ts';
import { duplicateKeys } from './lossy-numbers.ts';

/** Bytes of standard output kept as a step's result (`result: stdout`); more is cut. */
export const STDOUT_RESULT_LIMIT = 256 * 1024;

/**
 * The JSON value of `text` when it parses and writes back the same apart from white space
 * between tokens, else undefined; undefined too for text nested more than MAX_DATA_DEPTH
 * (src/logic/json-nesting.ts: it stays text, as a standard output over the size limit does).
 */
export function losslessJson(text: string): JsonValue | undefined {
  if (jsonTooDeep(text)) return undefined;
  let value: JsonValue;
  try {
    value = JSON.parse(text) as JsonValue;
  } catch {
    return undefined;
  }
  return JSON.stringify(value) === withoutSpaces(text) ? value : undefined;
}

/** Trimmed text, as JSON when losslessJson reads it, else the trimmed text itself. */
export function textOrJson(text: string): JsonValue {
  const t = text.trim();
  if (t === '') return '';
  const v = losslessJson(t);
  return v === undefined ? t : v;
}

/**
 * Standard output kept as written (`result: text`, as Argo's `outputs.result`: its
 * CaptureScriptResult takes off one trailing newline and nothing else): the text less one
 * trailing `\n`, as JSON only when strata writes that JSON back as the very same text
 * (`42`, `true`, `["a","b"]`), so a substitution of it gives the text written. `{"b": 2}`,
 * `  padded  `, `1.50` are text, and so is JSON nested more than MAX_DATA_DEPTH.
 */
export function exactText(text: string): JsonValue {
  const t = text.endsWith('\n') ? text.slice(0, -1) : text;
  if (jsonTooDeep(t)) return t;
  let value: JsonValue;
  try {
    value = JSON.parse(t) as JsonValue;
  } catch {
    return t;
  }
  return JSON.stringify(value) === t ? value : t;
}

/** JSON text with the white space between tokens removed (strings kept as written). */
function withoutSpaces(text: string): string {
  let out = '';
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      out += c;
      if (c === '\\') out += text[++i] ?? '';
      else if (c === '"') inString = false;
    } else if (c === '"') {
      inString = true;
      out += c;
    } else if (c !== ' ' && c !== '\t' && c !== '\n' && c !== '\r') out += c;
  }
  return out;
}

/**
 * json-logic `fromJson`: a string read as JSON text (Argo's withParam reads a parameter's
 * text as a JSON list), its numbers kept as written (parseExactJson: `1.50` is substituted
 * as `1.50`, as Argo's items keep their JSON text), any other value as it is; with `want`
 * `"list"` (`{"fromJson": [text, "list"]}`, Argo's withParam) the value must be a list. The
 * sentences it throws say the text or value and what it is not, without naming the operation
 * (the caller's place does: `fanOut.over: ...`, an Argo `withParam`). Throws a sentence saying what the text
 * starts with, and that it was cut when it is as long as a cut standard output; a text that
 * gives a key twice is refused naming the key (refuseDuplicateKeys), where Argo's
 * json.Unmarshal keeps the last value.
 */
export function fromJsonOperation(value: unknown, want?: unknown): unknown {
  if (typeof value !== 'string') {
    if (want === 'list' && !Array.isArray(value)) throw new Error(`the value ${clipped(exactJson(value ?? null))} is not a JSON list`);
    return value;
  }
  if (jsonTooDeep(value)) throw new Error(`the text ${shown(value)} is JSON ${tooDeepText()}, deeper than strata reads (data a run carries is bounded at ${MAX_DATA_DEPTH} levels)`);
  let read: JsonValue;
  try {
    read = parseExactJson(value);
  } catch {
    const bytes = new TextEncoder().encode(value).length;
    const cut = bytes >= STDOUT_RESULT_LIMIT - 4 ? `; it is ${bytes} bytes long: a standard output longer than ${STDOUT_RESULT_LIMIT} bytes is cut there, so a list that long cannot be read whole (write it to an output file or an artifact)` : '';
    throw new Error(`the text ${shown(value)} is not JSON${cut}`);
  }
  refuseDuplicateKeys(value);
  if (want === 'list' && !Array.isArray(read)) throw new Error(`the value ${clipped(value, 60)} is not a JSON list`);
  return read;
}

/**
 * A fan-out's aggregated output parameter, as Argo's aggregatedJSONValueList builds it
 * (workflow/controller/operator.go, tryJSONUnmarshal): when every value is a text that reads
 * as a JSON object or list, the list of those values (read by parseExactJson, so `1.50` is
 * written back `1.50`); otherwise the values as they are (texts stay texts, `["1.50", "abc"]`).
 * So a loop that writes JSON records gives a list of records another loop can go over. A
 * value that gives a key twice is refused (refuseDuplicateKeys), said of `label(i)` (the
 * value's item), where Go's json.Unmarshal would keep the last.
 */
export function recordsOrTexts(values: JsonValue[], label: (i: number) => string = (i) => `value ${i}`): JsonValue[] {
  if (values.length === 0) return values;
  const out: JsonValue[] = [];
  for (const v of values) {
    // A cheap look at the first character before any parse: a list of plain texts costs nothing.
    if (typeof v !== 'string' || !/^\s*[[{]/.test(v)) return values;
    // Deeper than strata reads data (json-nesting.ts): texts, as a standard output that deep is.
    if (jsonTooDeep(v)) return values;
    let read: JsonValue;
    try {
      read = parseExactJson(v);
    } catch {
      // Not JSON, or nested past what the parser can hold: Argo keeps the texts then too.
      return values;
    }
    if (read === null || typeof read !== 'object') return values;
    try {
      refuseDuplicateKeys(v);
    } catch (e) {
      throw new Error(`${label(out.length)}: ${(e as Error).message}`);
    }
    out.push(read);
  }
  return out;
}

/**
 * One item's result in a fan-out's aggregated result, as Argo's processAggregateNodeOutputs
 * reads each loop item's `outputs.result` (workflow/controller/operator.go: json.Unmarshal
 * into a wfv1.Item, raw JSON): a text that reads as JSON (an object, a list, a number, true,
 * false, null) is that JSON value as written (parseExactJson: `1.50`, `1e2` and
 * `12345678901234567890` keep their text, Argo tester 8, S1); anything else (plain text,
 * which current Argo refuses and strata keeps, a value that is no text) stays as it is. So a
 * loop whose items print JSON records gives a list of records another loop goes over (Q17).
 * JSON that gives a key twice is refused (refuseDuplicateKeys: throws), where Go's
 * json.Unmarshal would keep the last value.
 */
export function recordOrText(value: JsonValue): JsonValue {
  // A cheap look at the first character before any parse: plain texts cost nothing.
  if (typeof value !== 'string' || !/^\s*[-{["0-9tfn]/.test(value) || jsonTooDeep(value)) return value;
  let read: JsonValue;
  try {
    read = parseExactJson(value);
  } catch {
    return value;
  }
  refuseDuplicateKeys(value);
  return read;
}

/**
 * Refuse JSON `text` that gives a key twice in one object (JSON.parse and Go's
 * encoding/json, which Argo reads a step's output with, keep its last value without a
 * word): a sentence naming the text's start and the key's place (`$[0].a`), as result.json
 * is refused (tester 17). For every place a step's output is read as JSON at the run.
 */
export function refuseDuplicateKeys(text: string): void {
  const twice = duplicateKeys(text, '$');
  if (twice.length > 0) throw new Error(`the text ${shown(text)} at ${twice[0].path}: ${twice[0].message}${twice.length > 1 ? ` (and ${twice.length - 1} more)` : ''}`);
}

/** The start of a text, quoted, for a message. */
function shown(value: string): string {
  return JSON.stringify(value.length > 60 ? `${value.slice(0, 60)}…` : value);
}
