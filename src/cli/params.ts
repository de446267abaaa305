/**
 * `-p key=value` (repeatable), as argo and tkn take parameters: a value that reads as JSON
 * without losing its text is JSON (`3`, `true`, `[1, 2]`), any other is the text as given
 * (`2.50`, `1e3`, `007`: substituted back unchanged).
 */
import { StrataError } from '../errors/strata-error.ts';
import { losslessJson } from '../logic/json-text.ts';

/** commander's collector for a repeatable `-p key=value`. */
export function collectParam(text: string, into: Record<string, unknown> = {}): Record<string, unknown> {
  const at = text.indexOf('=');
  const key = at > 0 ? text.slice(0, at) : '';
  if (!/^[A-Za-z_][A-Za-z0-9_.-]{0,127}$/.test(key)) throw new StrataError('invalid_request', `-p ${text}: give a parameter as key=value`);
  const raw = text.slice(at + 1);
  const value = losslessJson(raw) ?? raw;
  return { ...into, [key]: value };
}

/** commander's collector for a repeatable `-l key=value` (labels are strings). */
export function collectLabel(text: string, into: Record<string, string> = {}): Record<string, string> {
  const at = text.indexOf('=');
  if (at <= 0) throw new StrataError('invalid_request', `-l ${text}: give a label as key=value`);
  return { ...into, [text.slice(0, at)]: text.slice(at + 1) };
}
