/**
 * A guard (a node's `when`, a cycle's `until`, a rule's `when`) is json-logic whose truth is
 * read. json-logic gives a value that is no operation back as it is, so a text
 * (`"false"`, `"{{ params.go }}"`, `"results.a == 1"`) is always truthy, an empty text and
 * null never, a list truthy when not empty, an object of other than one key always (tester 19:
 * such guards were taken and silently always held). Those are refused here, naming the field;
 * a boolean or a number (a constant on purpose) and an operation are json-logic's own.
 */
import type { Problem } from '../errors/strata-error.ts';
import { validateLogic } from './json-logic.ts';

const EXAMPLE = '{"==": [{"var": "params.go"}, true]}';

/** What to write for a guard given as text `s`: its one `{{ reference }}` as a `var`, a boolean as itself, else the form. */
function textHint(s: string): string {
  const ref = /^\s*\{\{\s*([A-Za-z_][\w.-]*)\s*\}\}\s*$/.exec(s);
  if (ref) return `; to read ${ref[1]}, write {"var":"${ref[1]}"} (or compare it: {"==": [{"var": "${ref[1]}"}, true]})`;
  const t = s.trim().toLowerCase();
  if (t === 'true' || t === 'false') return `; write ${t} without quotes`;
  return `; write it as an operation, such as ${EXAMPLE}`;
}

/** The problems of guard `expr` at `path`: its shape (above), then json-logic's own (validateLogic). */
export function validateGuard(expr: unknown, path: string): Problem[] {
  const why = ', which json-logic gives back as it is';
  if (typeof expr === 'string') {
    const shown = expr.length > 80 ? `${JSON.stringify(expr.slice(0, 80))}…` : JSON.stringify(expr);
    return [{ path, message: `is text (${shown}); a guard is json-logic (${EXAMPLE}), not text or a {{ }} template, and json-logic reads a text as itself, so it would ${expr === '' ? 'never' : 'always'} hold${textHint(expr)}` }];
  }
  if (expr === null) return [{ path, message: `is empty${why}, so it would never hold; give true, false or json-logic such as ${EXAMPLE}` }];
  if (Array.isArray(expr)) return [{ path, message: `is a list${why}, so it would ${expr.length === 0 ? 'never' : 'always'} hold; a guard is one json-logic operation such as ${EXAMPLE} (several conditions: {"and": [...]})` }];
  if (typeof expr === 'object' && Object.keys(expr).length !== 1) {
    return [{ path, message: `is an object of ${Object.keys(expr).length} keys${why} (an operation is an object of one key, the operator), so it would always hold; write one operation such as ${EXAMPLE}` }];
  }
  return validateLogic(expr, path);
}
