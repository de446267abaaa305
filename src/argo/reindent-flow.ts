/**
 * go-yaml v2 lets a quoted scalar or a flow collection that starts on one line continue on
 * lines indented no deeper than the line it started on:
 *
 *       args: ["
 *         echo hello
 *       "]
 *
 * YAML 1.2 requires those lines to be indented more than their parent. This scanner finds
 * such continuation lines and indents them two columns past the line the scalar or
 * collection opened on. It walks the text once, line by line, knowing only what decides
 * whether a line continues a flow context: quotes (with their escapes), brackets and braces
 * outside quotes, comments, and block scalars (`|`, `>`), whose lines are content and are
 * never touched. Leading white space of a continuation line is folded away by YAML, so
 * the values read are the same as go-yaml's.
 */

type State = { kind: 'block' } | { kind: 'flow'; owner: number; depth: number; quote: '"' | "'" | null } | { kind: 'blockScalar'; owner: number };

const indentOf = (line: string): number => line.length - line.trimStart().length;

/** True when position `i` of `line` may start a scalar or a collection (after an indicator, a separator, or at the start). */
function atValueStart(line: string, i: number, inFlow: boolean): boolean {
  let j = i - 1;
  while (j >= 0 && (line[j] === ' ' || line[j] === '\t')) j--;
  if (j < 0) return true;
  const c = line[j];
  if (inFlow && (c === '[' || c === '{' || c === ',' || c === ':')) return true;
  const spaced = j < i - 1;
  if (c === ':') return spaced;
  // `-` and `?` are indicators only at the start of a node: `- x`, `? x`, not `a- x`.
  if (c === '-' || c === '?') return spaced && (j === 0 || line[j - 1] === ' ' || line[j - 1] === '\t');
  return false;
}

/** The text with continuation lines of quoted scalars and flow collections indented; unchanged when none needed it. */
export function reindentFlowLines(text: string): string {
  const lines = text.split('\n');
  let state: State = { kind: 'block' };
  let changed = false;
  for (let n = 0; n < lines.length; n++) {
    let line = lines[n];
    const indent = indentOf(line);
    const blank = line.trim() === '';
    if (state.kind === 'blockScalar') {
      if (blank || indent > state.owner) continue;
      state = { kind: 'block' };
    }
    let start = 0;
    if (state.kind === 'flow') {
      if (!blank && indent <= state.owner) {
        line = ' '.repeat(state.owner + 2) + line.trimStart();
        lines[n] = line;
        changed = true;
      }
      start = indentOf(line);
    } else if (/^(---|\.\.\.)(\s|$)/.test(line)) {
      continue;
    }
    state = scanLine(line, start, state, indent);
  }
  return changed ? lines.join('\n') : text;
}

/** Carry the state across one line from column `from`; `lineIndent` is the line's indentation as written. */
function scanLine(line: string, from: number, state: State, lineIndent: number): State {
  let s = state;
  for (let i = from; i < line.length; i++) {
    const c = line[i];
    if (s.kind === 'flow' && s.quote === '"') {
      if (c === '\\') i++;
      else if (c === '"') s = s.depth === 0 ? { kind: 'block' } : { ...s, quote: null };
      continue;
    }
    if (s.kind === 'flow' && s.quote === "'") {
      if (c === "'" && line[i + 1] === "'") i++;
      else if (c === "'") s = s.depth === 0 ? { kind: 'block' } : { ...s, quote: null };
      continue;
    }
    if (c === '#' && (i === 0 || line[i - 1] === ' ' || line[i - 1] === '\t')) return s;
    const inFlow = s.kind === 'flow';
    if ((c === '"' || c === "'") && atValueStart(line, i, inFlow)) {
      s = s.kind === 'flow' ? { ...s, quote: c } : { kind: 'flow', owner: lineIndent, depth: 0, quote: c };
      continue;
    }
    if ((c === '[' || c === '{') && (inFlow || atValueStart(line, i, false))) {
      s = s.kind === 'flow' ? { ...s, depth: s.depth + 1 } : { kind: 'flow', owner: lineIndent, depth: 1, quote: null };
      continue;
    }
    if ((c === ']' || c === '}') && s.kind === 'flow') {
      s = s.depth <= 1 ? { kind: 'block' } : { ...s, depth: s.depth - 1 };
      continue;
    }
    if (s.kind === 'block' && (c === '|' || c === '>') && atValueStart(line, i, false) && /^[|>][0-9+-]*\s*(#.*)?$/.test(line.slice(i))) {
      return { kind: 'blockScalar', owner: lineIndent };
    }
  }
  return s;
}
