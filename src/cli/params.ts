/**
 * `-p key=value` (repeatable), as argo and tkn take parameters. Collected as the text given;
 * for a strata flow (typedParams) a value that reads as JSON without losing its text is JSON
 * (`3`, `true`, `[1, 2]`), any other is the text as given (`2.50`, `1e3`, `007`: substituted
 * back unchanged). For an Argo Workflow every value stays text, as `argo submit -p` gives it
 * (`{"a": 1}` is substituted as written).
 */
import { StrataError } from '../errors/strata-error.ts';
import { losslessJson } from '../logic/json-text.ts';
import { jsonTooDeep, MAX_DATA_DEPTH, tooDeepText } from '../logic/json-nesting.ts';
import { forbiddenParamMessage, isForbiddenParamName } from '../flow/param-names.ts';

/** commander's collector for a repeatable `-p key=value`: the values as given (text). */
export function collectParam(text: string, into: Record<string, string> = {}): Record<string, string> {
  const at = text.indexOf('=');
  const key = at > 0 ? text.slice(0, at) : '';
  if (!/^[A-Za-z_][A-Za-z0-9_.-]{0,127}$/.test(key)) throw new StrataError('invalid_request', `-p ${text}: give a parameter as key=value`);
  if (isForbiddenParamName(key)) throw new StrataError('invalid_request', `-p ${text}: ${forbiddenParamMessage(key)}`);
  // Refused here, as the service would refuse it (params-limits.ts), before anything reads it as JSON.
  if (jsonTooDeep(text.slice(at + 1))) throw new StrataError('too_large', `-p ${key}: the value is JSON ${tooDeepText()} (data a run carries is bounded at ${MAX_DATA_DEPTH} levels)`);
  return { ...into, [key]: text.slice(at + 1) };
}

/** `-p` values for a strata flow: JSON when the text reads as JSON without losing any of it, else the text. */
export function typedParams(given: Record<string, string>): Record<string, unknown>;
export function typedParams(given: Record<string, string> | undefined): Record<string, unknown> | undefined;
export function typedParams(given: Record<string, string> | undefined): Record<string, unknown> | undefined {
  if (!given) return undefined;
  return Object.fromEntries(Object.entries(given).map(([k, raw]) => [k, losslessJson(raw) ?? raw]));
}

/** commander's collector for a repeatable `-l key=value` (labels are strings). */
export function collectLabel(text: string, into: Record<string, string> = {}): Record<string, string> {
  const at = text.indexOf('=');
  if (at <= 0) throw new StrataError('invalid_request', `-l ${text}: give a label as key=value`);
  return { ...into, [text.slice(0, at)]: text.slice(at + 1) };
}
