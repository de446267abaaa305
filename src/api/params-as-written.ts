/**
 * A run request's `params` as the JSON body wrote them (Argo tester 6, Q6). JSON.parse reads
 * `12345678901234567890` as 12345678901234567000 and `1.50` as 1.5, so a parameter given as
 * a JSON number lost its digits without a word. Here the body's numbers are read again as
 * their text (parseExactJson, only when a value holds a number at all):
 *
 * - for an Argo Workflow every value becomes text, as `argo submit -p` gives only text
 *   (workflow/util/util.go ApplySubmitOpts): a number is its text as written, an object or
 *   list its JSON text with each number as written;
 * - for a strata Flow a value is kept as JSON when its JSON writes back the same, else it
 *   is its JSON text, the rule `-p` follows (src/cli/params.ts typedParams), so an id of
 *   20 digits arrives whole, as text, instead of rounded; a list or object whose numbers
 *   strata holds stays data whatever their writing (`[1.50]`: src/logic/param-value.ts).
 *
 * A YAML body's numbers are YAML's (a float `1.50` is 1.5); quote a value to keep its text.
 */
import { exactJson, mayHoldInexactNumbers, parseExactJson } from '../logic/exact-number.ts';
import { heldStructure } from '../logic/param-value.ts';

/** Whether a number is anywhere in `v` (walked without recursion; the body is bounded in depth already). */
function holdsNumber(v: unknown): boolean {
  const stack = [v];
  while (stack.length > 0) {
    const x = stack.pop();
    if (typeof x === 'number') return true;
    if (x !== null && typeof x === 'object') for (const c of Object.values(x)) stack.push(c);
  }
  return false;
}

/** The member `key` (`params`) of the JSON body `text` read with each number's text, or undefined when it is not JSON. */
function exactParams(text: string, key: string): Record<string, unknown> | undefined {
  try {
    const body = parseExactJson(text) as Record<string, unknown> | null;
    const p = key === '' ? body : body !== null && typeof body === 'object' && !Array.isArray(body) ? body[key] : undefined;
    return p !== null && typeof p === 'object' && !Array.isArray(p) ? (p as Record<string, unknown>) : undefined;
  } catch {
    return undefined; // YAML, read by its own parser
  }
}

/**
 * `params` (the body's `params`, as JSON.parse read it) with each value as written in the
 * body `text`: every value as text for an Argo Workflow (`argo: true`), a value JSON would
 * write back otherwise as its text for a strata Flow. Returns `params` itself when there is
 * nothing to change (no params, no numbers). `key`: the body's member they are (`params`; a
 * `{ use, with }` request's `with`, kept alike since tester 17; `''`: the body itself, a hook call's). Pure.
 */
export function paramsAsWritten<T>(text: string, params: T, argo: boolean, key = 'params'): T {
  if (params === null || typeof params !== 'object' || Array.isArray(params)) return params;
  const given = params as Record<string, unknown>;
  const numbered = Object.keys(given).filter((k) => holdsNumber(given[k]));
  if (numbered.length === 0 && !argo) return params;
  const exact = numbered.length > 0 && mayHoldInexactNumbers(text) ? exactParams(text, key) : undefined;
  const out: Record<string, unknown> = { ...given };
  for (const k of Object.keys(given)) {
    const v = given[k];
    const written = exact && Object.hasOwn(exact, k) ? exactJson(exact[k]) : JSON.stringify(v);
    if (argo) {
      // Argo's parameters are text; null stays null (no value: the parameter's default).
      if (typeof v !== 'string' && v !== null && v !== undefined) out[k] = written;
    } else if (written !== JSON.stringify(v) && heldStructure(written) === undefined) out[k] = written;
  }
  return out as T;
}
