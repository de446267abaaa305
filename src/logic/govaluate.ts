/**
 * How Argo's govaluate form of `when` reads what is substituted into it. Argo replaces a
 * `when`'s tags with their text, then parses the whole with govaluate
 * (workflow/controller/steps.go shouldExecute): there `true` and `false` (lower case) are
 * booleans, a number (`10`, `1.0`, `0x1f`) is a number, a quoted text is a string, and any
 * other word is a variable Argo turns into a string; the result must be a boolean, or the
 * step fails ("Expected boolean evaluation for '...'").
 */
import { clipped } from '../errors/strata-error.ts';

const DECIMAL = /^-?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)$/;
const HEX = /^-?0x[0-9a-fA-F]+$/;
const QUOTED = /^(?:'([^']*)'|"([^"]*)")$/;

/**
 * `{"govaluate": text}`: the text as govaluate reads it once substituted: `"true"`/`"false"`
 * as booleans, a number as a number (`"10"` -> 10, `"1.0"` -> 1, `"-3"` -> -3), a quoted
 * text as what it quotes (`'"a b"'` -> `a b`), anything else as the text itself. A value
 * that is not a string is given back as it is.
 */
export function govaluateLiteral(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  const t = value.trim();
  if (t === 'true') return true;
  if (t === 'false') return false;
  if (DECIMAL.test(t)) return Number(t);
  if (HEX.test(t)) return t.startsWith('-') ? -parseInt(t.slice(3), 16) : parseInt(t.slice(2), 16);
  const q = QUOTED.exec(t);
  if (q) return q[1] ?? q[2];
  return value;
}

/**
 * `{"boolean": value}`: the value when it is true or false; anything else throws an Error
 * with a sentence, as govaluate's `when` fails the step for a value that is not a boolean
 * (a script printing Python's `False` gives the word "False", not false).
 */
export function requireBoolean(value: unknown): boolean {
  if (typeof value === 'boolean') return value;
  throw new Error(`gives ${clipped(JSON.stringify(value ?? null), 80)}, not a boolean: Argo fails the step here ("Expected boolean evaluation"; its booleans are true and false, lower case)`);
}
