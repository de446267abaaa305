/**
 * json-logic `jsonpath`: `{"jsonpath": [value, "$.a.b[0]"]}` reads a JSONPath inside a
 * value, as Argo's `jsonpath()` expression function does (the Argo importer writes it). A
 * string value is read as JSON text first. Paths are evaluated by jsonpath-plus with
 * script evaluation off, so filter and script expressions (`?()`, `()`) are refused rather
 * than run. One match gives the value, several the list of them, none null.
 */
import { JSONPath } from 'jsonpath-plus';

const MAX_PATH = 1024;

/** The operation, for json-logic-js's add_operation. Throws on a bad path (the guard then fails, naming it). */
export function jsonpathOperation(value: unknown, path: unknown): unknown {
  if (typeof path !== 'string' || path.length > MAX_PATH) throw new Error('jsonpath needs a path string of at most 1024 characters');
  if (/[?()]/.test(path)) throw new Error(`jsonpath "${path}": filter and script expressions are not supported`);
  let json: unknown = value;
  if (typeof value === 'string') {
    try {
      json = JSON.parse(value);
    } catch {
      throw new Error('jsonpath: the value is not JSON text');
    }
  }
  if (json === null || typeof json !== 'object') return null;
  const found = JSONPath({ path, json: json as object, wrap: true, eval: false }) as unknown[];
  return found.length === 0 ? null : found.length === 1 ? found[0] : found;
}
