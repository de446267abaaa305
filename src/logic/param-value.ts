/**
 * Which parameter values keep their text (tester 19). A run's parameter written as JSON that
 * strata would write back differently is kept as its text, so `2.50` or an id of 20 digits is
 * substituted back as written (src/cli/params.ts, src/api/params-as-written.ts). For a single
 * number that is the point; a list or an object, though, is data that json-logic reads (a
 * fan-out's `over`), and `[1.5, 2.50]` made text because of how one number was written was no
 * list at all. So a list or object is kept as data when every number in it is one strata holds
 * (only its writing differs: `2.50`, `1.0`, `1e2`), and as text only when it holds a number
 * strata cannot hold (past 2^53, past the range) or a key twice: then its text is what was meant.
 */
import { jsonTextProblems } from './lossy-numbers.ts';
import { jsonTooDeep } from './json-nesting.ts';
import type { JsonValue } from '../flow/types.ts';

/** The list or object JSON `text` gives when nothing of it is lost in reading it (its numbers' writing aside), else undefined. */
export function heldStructure(text: string): JsonValue | undefined {
  if (jsonTooDeep(text)) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (value === null || typeof value !== 'object') return undefined;
  return jsonTextProblems(text, '').length === 0 ? (value as JsonValue) : undefined;
}

/** Why the fan-out's `over` gave `value`, a text that looks like a list: said after `... not a list`, else ''. */
export function listAsTextHint(value: unknown): string {
  if (typeof value !== 'string' || !/^\s*[[{]/.test(value)) return '';
  const lost = (() => {
    try {
      JSON.parse(value);
    } catch {
      return undefined;
    }
    return jsonTextProblems(value, '')[0]?.message;
  })();
  return lost
    ? `: it is text, ${lost.split(':')[0]}, so the parameter was kept as written; write that number as text in the list ("..."), or read the list with {"fromJson": ...} (which rounds it as JavaScript does)`
    : ': it is text (a list written in quotes, or a step\'s output); read it as a list with {"fromJson": ...}';
}
