/**
 * The `{{ }}` tags of a govaluate `when`, found in one pass. A `when` was split with two
 * regular expressions, `'([^']*\{\{[\s\S]*?\}\}[^']*)'|"([^"]*\{\{[\s\S]*?\}\}[^"]*)"` (a
 * quoted text holding a tag) and `\{\{[\s\S]*?\}\}` (a bare tag); each tried from every quote
 * or `{{` to the text's end when no `}}` followed, so a `when` of 256,000 characters cost
 * seconds and one of 2 MB minutes. These give the same matches (a property test compares
 * them on every small text) from tables of the next `}}` and the next quote of each place.
 */

/** For each place i of `s`, the first place j >= i where `s` has `needle` (s.length when none). */
function nextAt(s: string, needle: string): Int32Array {
  const next = new Int32Array(s.length + 2).fill(s.length);
  for (let i = s.length - needle.length; i >= 0; i--) next[i] = s.startsWith(needle, i) ? i : next[i + 1];
  return next;
}

/**
 * `s` with each quoted text that holds a tag replaced by `f(inside the quotes)`, as
 * `s.replace(/'([^']*\{\{[\s\S]*?\}\}[^']*)'|"([^"]*\{\{[\s\S]*?\}\}[^"]*)"/g, ...)` does:
 * the tag begins before the quote's next one, and the text ends at the first quote (of the
 * same kind) after the tag's first `}}`, which may lie past it.
 */
export function replaceQuotedTags(s: string, f: (inside: string) => string): string {
  const close = nextAt(s, '}}');
  const quote = { "'": nextAt(s, "'"), '"': nextAt(s, '"') } as Record<string, Int32Array>;
  let out = '';
  let from = 0;
  let p = 0;
  while (p < s.length) {
    const q = s[p];
    if (q !== "'" && q !== '"') {
      p++;
      continue;
    }
    const next = quote[q];
    const end = next[p + 1];
    let matched = -1;
    // The regex tries the last `{{` before the next quote first, then earlier ones.
    for (let k = Math.min(end, s.length) - 2; k > p; k--) {
      if (s[k] !== '{' || s[k + 1] !== '{') continue;
      const c = close[k + 2];
      if (c >= s.length) continue;
      const q2 = next[c + 2];
      if (q2 < s.length) {
        matched = q2;
        break;
      }
    }
    if (matched < 0) {
      p++;
      continue;
    }
    out += s.slice(from, p) + f(s.slice(p + 1, matched));
    from = p = matched + 1;
  }
  return out + s.slice(from);
}

/** `s` with each tag (`{{` to its first `}}`) replaced by `f(tag)`, as `s.replace(/\{\{[\s\S]*?\}\}/g, f)` does. */
export function replaceTags(s: string, f: (tag: string) => string): string {
  let out = '';
  let from = 0;
  for (let open = s.indexOf('{{'); open >= 0; open = s.indexOf('{{', from)) {
    const close = s.indexOf('}}', open + 2);
    if (close < 0) break;
    out += s.slice(from, open) + f(s.slice(open, close + 2));
    from = close + 2;
  }
  return out + s.slice(from);
}
