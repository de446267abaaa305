/**
 * The nesting of a YAML or JSON text, counted before any parser sees it: the yaml package
 * parses flow collections (`[`, `{`) and composes block collections (indentation)
 * recursively, so a text nested a thousand or so deep overflows its stack (`Maximum call
 * stack size exceeded`) before the depth of the data can be checked.
 *
 * - A bracket counts where a flow collection can open (at the start of a value: after a
 *   line's start, `:`, `-`, `,`, `?` or another opening bracket), never inside a quoted
 *   scalar or a comment, so `a[0]` in a plain scalar does not.
 * - A block collection counts by indentation: each line outside flow collections and
 *   quoted scalars opens a level at its indentation (closing those at the same or deeper
 *   indentation), and each further `- ` or `? ` on the line, and a key after them, opens
 *   one more (`- - a: 1` is three levels). Lines more indented than a key whose value is a
 *   block scalar (`|`, `>`) or a plain scalar are that scalar's text and count nothing.
 *
 * The count is a close lower bound of the data's depth (a list written at its key's
 * indentation is not counted), so a document the depth check after parsing accepts is
 * not refused here.
 */
import { pastLimit } from '../errors/strata-error.ts';
import { tooDeepText } from '../logic/json-nesting.ts';

/**
 * Refuse a text whose collections nest deeper than `max` (413 `too_large`, naming `source`,
 * line and column); `inside`: levels of an envelope around the text's members (parseText),
 * counted within `max + inside` and said as `max`.
 */
export function checkTextNesting(text: string, source: string, max: number, inside = 0): void {
  const limit = max + inside;
  let depth = 0; // open flow collections
  const block = new BlockLevels(limit);
  let quote: '"' | "'" | undefined;
  let prev = '\n'; // the last character that is not a space or a tab
  let line = 1;
  let lineStart = 0;
  const refuse = (i: number): never => {
    const where = `line ${line}, column ${i - lineStart + 1}`;
    const message = `${tooDeepText(max)} (at ${where}; STRATA_MAX_TEXT_NESTING)`;
    throw pastLimit('too_large', `${source}: ${message}`, 'STRATA_MAX_TEXT_NESTING', { problems: [{ path: source, message }] });
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '\n') {
      line++;
      lineStart = i + 1;
    }
    if (i === lineStart && !quote && depth === 0) {
      const next = block.line(text, i);
      if (next.over >= 0) refuse(next.over);
      if (next.skipTo > i) {
        i = next.skipTo - 1; // the line's own '\n' is read next
        continue;
      }
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
      if (++depth + block.levels() > limit) refuse(i);
    } else if ((c === ']' || c === '}') && depth > 0) depth--;
    // A bracket inside a plain scalar (`{{ x }}`) opens nothing, so the next one does not either.
    if (c === '[' || c === '{') prev = atValue ? c : 'x';
    else if (c !== ' ' && c !== '\t' && c !== '\r') prev = c;
  }
}

/** The block collections open at a line, as a stack of their indentation columns. */
class BlockLevels {
  private readonly columns: number[] = [];
  /** Lines indented more than this column are a scalar's text. */
  private scalarAbove: number | undefined;

  constructor(private readonly max: number) {}

  levels(): number {
    return this.columns.length;
  }

  /**
   * Read the line starting at `start`: `skipTo` is where the scan goes on (the line's end
   * when the line is blank, a comment or a scalar's text; else `start`), `over` the index
   * of the first level past the limit the line opened (-1 when none).
   */
  line(text: string, start: number): { skipTo: number; over: number } {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    let pos = start;
    while (text[pos] === ' ') pos++;
    const first = text[pos];
    const skip = { skipTo: end, over: -1 };
    if (pos >= end || first === '\r' || first === '#') return skip;
    const indent = pos - start;
    if (this.scalarAbove !== undefined) {
      if (indent > this.scalarAbove) return skip;
      this.scalarAbove = undefined;
    }
    while (this.columns.length > 0 && this.columns[this.columns.length - 1] >= indent) this.columns.pop();
    // A line that starts with a flow collection is no block level: its brackets count.
    if (first !== '[' && first !== '{') this.columns.push(indent);
    let over = this.columns.length > this.max ? pos : -1;
    // Further `- ` / `? ` indicators on the line, and a key after them, open a level each.
    while ((text[pos] === '-' || text[pos] === '?') && (text[pos + 1] === ' ' || text[pos + 1] === '\t')) {
      pos++;
      while (text[pos] === ' ' || text[pos] === '\t') pos++;
      if (pos >= end || text[pos] === '#' || text[pos] === '\r') break;
      const opens = text[pos] === '-' || text[pos] === '?' ? text[pos + 1] === ' ' || text[pos + 1] === '\t' : startsKey(text.slice(pos, end));
      if (!opens) break;
      this.columns.push(pos - start);
      if (over < 0 && this.columns.length > this.max) over = pos;
    }
    // A line ending in a value (`key: text`, `- text`, `key: |`) makes deeper lines that value's text.
    const rest = withoutComment(text.slice(pos, end)).trimEnd();
    if (/(^|\s)[|>][-+1-9]{0,2}$/.test(rest) || endsInPlainValue(rest)) this.scalarAbove = this.columns[this.columns.length - 1];
    return { skipTo: start, over };
  }
}

/**
 * `line` without a comment: from the first whitespace before a `#` (that has no line end
 * after it) to the end, as `line.replace(/\s+#.*$/, '')` but in one pass: the regex read a
 * line of many spaces from each space to the line's end (400,000 held a thread a minute).
 */
export function withoutComment(line: string): string {
  let last = -1; // `.` stops at line ends (\r, \u2028): a `#` before the last of them is not taken
  for (let i = 0; i < line.length; i++) if ('\n\r\u2028\u2029'.includes(line[i])) last = i;
  let run = -1; // where the whitespace before `i` begins
  for (let i = 0; i < line.length; i++) {
    if (/\s/.test(line[i])) {
      if (run < 0) run = i;
    } else {
      if (line[i] === '#' && run >= 0 && i > last) return line.slice(0, run);
      run = -1;
    }
  }
  return line;
}

/** Whether `s` (a line's content after its indicators) starts with a plain key: `name:` or `name: value`. */
function startsKey(s: string): boolean {
  return /^[^\s"'[\]{}#,][^#]*?:(\s|$)/.test(s);
}

/**
 * Whether `rest` ends in a plain scalar value that deeper lines could only continue:
 * `key: text` or `- text`, not `key:` (a nested collection may follow) nor flow or quoted
 * text (scanned as such).
 */
function endsInPlainValue(rest: string): boolean {
  // [\s\S]* where `.*` stopped at a line end (a \u2028 in the line), which made the regex try
  // every ": " before it: quadratic in a line of many.
  const value = /^(?:[^\s"'[\]{}#,][^#]*?:\s+)?([\s\S]*)$/.exec(rest.replace(/^[-?]\s+/, ''))?.[1] ?? '';
  return value !== '' && !/^[[{"'&!*]/.test(value) && !value.endsWith(':');
}
