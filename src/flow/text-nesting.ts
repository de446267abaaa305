/**
 * The nesting of a YAML or JSON text's flow collections (`[`, `{`), counted before any
 * parser sees it: the yaml package parses flow collections recursively, so a text nested
 * some thousands deep overflows its stack (`Maximum call stack size exceeded`) before the
 * depth of the data can be checked. A bracket counts where a flow collection can open (at
 * the start of a value: after a line's start, `:`, `-`, `,`, `?` or another opening
 * bracket), never inside a quoted scalar or a comment, so `a[0]` in a plain scalar does not.
 * Block nesting (indentation) is checked on the data, after parsing, which does not recurse.
 */
import { StrataError } from '../errors/strata-error.ts';

/** Refuse a text whose flow collections nest deeper than `max` (413 `too_large`, naming `source`, line and column). */
export function checkTextNesting(text: string, source: string, max: number): void {
  let depth = 0;
  let quote: '"' | "'" | undefined;
  let prev = '\n'; // the last character that is not a space or a tab
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '\n') {
      line++;
      lineStart = i + 1;
    }
    if (quote) {
      if (c === '\\' && quote === '"') i++;
      else if (c === quote) {
        if (quote === "'" && text[i + 1] === "'") i++; // '' is a quote inside a single-quoted scalar
        else quote = undefined;
      }
      if (c !== ' ' && c !== '\t') prev = 'x';
      continue;
    }
    const atValue = prev === '\n' || prev === ':' || prev === '-' || prev === ',' || prev === '?' || prev === '[' || prev === '{';
    if (c === '#' && (i === 0 || /\s/.test(text[i - 1]))) {
      const end = text.indexOf('\n', i);
      if (end < 0) break;
      i = end - 1;
      continue;
    }
    if ((c === '"' || c === "'") && atValue) quote = c;
    else if ((c === '[' || c === '{') && atValue) {
      if (++depth > max) {
        const where = `line ${line}, column ${i - lineStart + 1}`;
        throw new StrataError('too_large', `${source}: nested more than ${max} levels deep (at ${where}; STRATA_MAX_TEXT_NESTING)`, { problems: [{ path: source, message: `nested more than ${max} levels deep (at ${where}; STRATA_MAX_TEXT_NESTING)` }] });
      }
    } else if ((c === ']' || c === '}') && depth > 0) depth--;
    if (c !== ' ' && c !== '\t' && c !== '\r') prev = c;
  }
}
