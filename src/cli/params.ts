/**
 * `-p key=value` (repeatable), as argo and tkn take parameters. Collected as the text given;
 * for a strata flow (typedParams) a value that reads as JSON without losing its text is JSON
 * (`3`, `true`, `[1, 2]`), any other is the text as given (`2.50`, `1e3`, `007`: substituted
 * back unchanged). For an Argo Workflow every value stays text, as `argo submit -p` gives it
 * (`{"a": 1}` is substituted as written).
 */
import { StrataError } from '../errors/strata-error.ts';
import { losslessJson } from '../logic/json-text.ts';
import { heldStructure } from '../logic/param-value.ts';
import { jsonTooDeep, MAX_DATA_DEPTH, tooDeepText } from '../logic/json-nesting.ts';
import { forbiddenParamMessage, isForbiddenParamName } from '../flow/param-names.ts';

/** The longest parameter name `-p` takes (as --parameter-file names: withParameterFile). */
const MAX_NAME = 128;

/**
 * What is wrong with `-p` parameter name `key`, said with the rule (Argo tester 8, S6: a
 * name with a space was told to be given as key=value), or undefined when it is a name.
 */
function paramNameProblem(key: string): string | undefined {
  if (key.length > MAX_NAME) return `the parameter name has ${key.length} characters, more than the ${MAX_NAME} a name may have`;
  if (/^[A-Za-z_][A-Za-z0-9_.-]*$/.test(key)) return undefined;
  return `${JSON.stringify(key)} is not a parameter name: letters, digits, "_", "." and "-", starting with a letter or "_"${/\s/.test(key) ? ' (a space is not allowed)' : ''}`;
}

/** commander's collector for a repeatable `-p key=value`: the values as given (text). */
export function collectParam(text: string, into: Record<string, string> = {}): Record<string, string> {
  const at = text.indexOf('=');
  const key = at > 0 ? text.slice(0, at) : '';
  if (at <= 0) throw new StrataError('invalid_request', `-p ${text}: give a parameter as key=value`);
  const bad = paramNameProblem(key);
  if (bad) throw new StrataError('invalid_request', `-p ${text}: ${bad}`);
  if (isForbiddenParamName(key)) throw new StrataError('invalid_request', `-p ${text}: ${forbiddenParamMessage(key)}`);
  // Refused here, as the service would refuse it (params-limits.ts), before anything reads it as JSON.
  if (jsonTooDeep(text.slice(at + 1))) throw new StrataError('too_large', `-p ${key}: the value is JSON ${tooDeepText()} (data a run carries is bounded at ${MAX_DATA_DEPTH} levels)`);
  return { ...into, [key]: text.slice(at + 1) };
}

/** `-p` values for a strata flow: JSON when the text reads as JSON without losing any of it, or is a list or object whose numbers strata holds (logic/param-value.ts), else the text. */
export function typedParams(given: Record<string, string>): Record<string, unknown>;
export function typedParams(given: Record<string, string> | undefined): Record<string, unknown> | undefined;
export function typedParams(given: Record<string, string> | undefined): Record<string, unknown> | undefined {
  if (!given) return undefined;
  return Object.fromEntries(Object.entries(given).map(([k, raw]) => [k, losslessJson(raw) ?? heldStructure(raw) ?? raw]));
}

/** commander's collector for a repeatable `-l key=value` (labels are strings). */
export function collectLabel(text: string, into: Record<string, string> = {}): Record<string, string> {
  const at = text.indexOf('=');
  if (at <= 0) throw new StrataError('invalid_request', `-l ${text}: give a label as key=value`);
  return { ...into, [text.slice(0, at)]: text.slice(at + 1) };
}

/**
 * `-f/--parameter-file FILE` (argo submit's): a YAML or JSON map of name: value read as `-p`
 * values are (text; a number or boolean as written in JSON), with `given` (`-p`) over it, as
 * argo-workflows workflow/util/util.go ApplySubmitOpts reads the file first and lets
 * `--parameter` entries replace its names. Read as a document file is (read-document-file.ts:
 * within STRATA_MAX_BODY_BYTES). Refused (invalid_request, exit 2) naming the file and the name:
 * a file that cannot be read, is not one map, has a bad name, or a value that is a map or list.
 */
export async function withParameterFile(file: string | undefined, given: Record<string, string> | undefined): Promise<Record<string, string> | undefined> {
  if (file === undefined) return given;
  const { readDocumentFile } = await import('./read-document-file.ts');
  const { parseTextAll } = await import('../flow/parse-text.ts');
  const where = `--parameter-file ${file}`;
  // Read as a document file is: within STRATA_MAX_BODY_BYTES, so /dev/zero or a FIFO without
  // end is refused at the limit; one that cannot be read is the command's bad input (exit 2).
  let text: string;
  try {
    text = readDocumentFile(file, undefined, where);
  } catch (e) {
    throw e instanceof StrataError && e.code === 'not_found' ? new StrataError('invalid_request', e.message) : e;
  }
  let docs: unknown[];
  try {
    docs = parseTextAll(text, file);
  } catch (e) {
    throw new StrataError('invalid_request', `${where}: ${(e as Error).message}`);
  }
  const map = docs.length === 1 ? docs[0] : undefined;
  if (typeof map !== 'object' || map === null || Array.isArray(map)) throw new StrataError('invalid_request', `${where}: give one map of name: value (as argo submit --parameter-file reads it)`);
  const read: Record<string, string> = {};
  for (const [key, value] of Object.entries(map as Record<string, unknown>)) {
    if (!/^[A-Za-z_][A-Za-z0-9_.-]{0,127}$/.test(key)) throw new StrataError('invalid_request', `${where}: parameter ${JSON.stringify(key.slice(0, 140))}: give a name of letters, digits, _ . - (at most 128, not starting with a digit)`);
    if (isForbiddenParamName(key)) throw new StrataError('invalid_request', `${where}: parameter ${key}: ${forbiddenParamMessage(key)}`);
    if (value !== null && typeof value === 'object') throw new StrataError('invalid_request', `${where}: parameter ${key}: give a text value (a number or true/false is read as its text), not a ${Array.isArray(value) ? 'list' : 'map'}`);
    read[key] = typeof value === 'string' ? value : value === null || value === undefined ? '' : String(value);
  }
  return { ...read, ...given };
}
