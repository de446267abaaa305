/**
 * json-logic `jsonpath`: `{"jsonpath": [value, "$.a.b[0]"]}` reads a JSONPath inside a
 * value, as Argo's `jsonpath()` expression function does (the Argo importer writes it). A
 * string value is read as JSON text first. Paths are evaluated by jsonpath-plus with
 * script evaluation off, so filter and script expressions (`?()`, `()`) are refused rather
 * than run. A path that selects several places (a wildcard `*`, recursive descent `..`, a
 * union `[0,1]` or a slice `[1:3]`) gives the list of its matches, one or none included, as
 * Argo's jsonpath (github.com/evilmonkeyinc/jsonpath, README: these operations "return an
 * array"; Argo tester 6, Q11: one match gave the bare value, so a withParam over it failed
 * exactly when there was one item). A plain path (names, single indexes) gives its value, or
 * null; with a third argument `"required"` (what the Argo importer writes: Argo's jsonpath
 * fails on a path that is not there), none fails, naming the path and the value searched.
 */
import { JSONPath } from 'jsonpath-plus';
import { clipped } from '../errors/strata-error.ts';
import { jsonTooDeep, tooDeepText, valueTooDeep } from './json-nesting.ts';
import { refuseDuplicateKeys } from './json-text.ts';

const MAX_PATH = 1024;

/** The operation, for json-logic-js's add_operation. Throws on a bad path (the guard then fails, naming it). */
export function jsonpathOperation(value: unknown, path: unknown, required?: unknown): unknown {
  if (typeof path !== 'string' || path.length > MAX_PATH) throw new Error('jsonpath needs a path string of at most 1024 characters');
  if (/[?()]/.test(path)) throw new Error(`jsonpath "${path}": filter and script expressions ([?(...)], [(...)]) are not supported`);
  let json: unknown = value;
  // jsonpath-plus recurses per level (`$..x` over 2,500 levels overflowed the stack: Argo
  // tester 6, Q15): data nested deeper than strata carries is refused, named, as withParam does.
  if (typeof value === 'string' ? jsonTooDeep(value) : valueTooDeep(value)) throw new Error(`jsonpath "${path}": the value searched is JSON ${tooDeepText()}`);
  if (typeof value === 'string') {
    try {
      json = JSON.parse(value);
    } catch {
      throw new Error(`jsonpath "${path}": the text ${JSON.stringify(value.length > 200 ? value.slice(0, 200) : value)}${value.length > 200 ? '…' : ''} is not JSON`);
    }
    // JSON.parse kept the last value of a key given twice: refused, named, as withParam refuses it.
    try {
      refuseDuplicateKeys(value);
    } catch (e) {
      throw new Error(`jsonpath "${path}": ${(e as Error).message}`);
    }
  }
  const found = json === null || typeof json !== 'object' ? [] : (JSONPath({ path, json: json as object, wrap: true, eval: false }) as unknown[]);
  if (selectsMany(path)) return found;
  if (found.length === 0 && required === 'required') throw new Error(`jsonpath "${path}" matches nothing in ${searched(value)}`);
  return found.length === 0 ? null : found.length === 1 ? found[0] : found;
}

/** Whether `path` selects several places: a segment that is `*`, `..`, a union or a slice, as jsonpath-plus splits the path. */
function selectsMany(path: string): boolean {
  return JSONPath.toPathArray(path).some((seg) => seg === '*' || seg === '..' || /[,:]/.test(String(seg)));
}

/** What was searched, for a message: a text as written, anything else as JSON, cut at 200 characters. */
function searched(value: unknown): string {
  return clipped(typeof value === 'string' ? value : JSON.stringify(value) ?? 'nothing');
}
