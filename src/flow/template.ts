/**
 * Templates: text with `{{ reference }}` parts, as a task's image, argv, env values and
 * working directory may hold them (docs/flow-language.md, Substitution). This file only
 * reads the syntax; what a reference means is checked by the compiler and resolved by
 * the engine. The grammar:
 *
 *   template := ( text | "{{" ws ref ws "}}" )*
 *   ref      := string | head accessor*
 *   head     := NAME | "steps" ( "." STEP-PATH | "[" string "]" )
 *   accessor := "." NAME | "[" string "]" | "[" digits "]"
 *
 * NAME is letters, digits, `_` and `-` (not starting with a digit or `-`); STEP-PATH is
 * letters, digits, `_`, `-`, `/` and `#` (no dots: any id is written with brackets);
 * strings are JSON strings. Parsing is linear in the text.
 */

/** The fields `{{ run.FIELD }}` may name: the run's id, the step's id, the name of the pod it runs in. */
export const RUN_FIELDS = ['id', 'step', 'pod'] as const;

/** One reference: `head` and the accessors after it (`step` for `steps`). */
export interface TemplateRef {
  /** as written between the braces, trimmed (for messages) */
  text: string;
  head: string;
  /** for `steps`: the step path */
  step?: string;
  path: Array<string | number>;
}

export type TemplatePart = string | TemplateRef;

export class TemplateSyntaxError extends Error {}

const NAME = /[A-Za-z_][A-Za-z0-9_-]*/y;
const STEP_PATH = /[A-Za-z0-9_#/-]+/y;
const DIGITS = /[0-9]+/y;
const WS = /[ \t]*/y;

/** Whether `text` holds any `{{`: the fast path for the many fields that hold none. */
export function isTemplate(text: string): boolean {
  return text.includes('{{');
}

/** The parts of a template, literal text merged; throws TemplateSyntaxError with a sentence naming the place. */
export function parseTemplate(text: string): TemplatePart[] {
  const parts: TemplatePart[] = [];
  let lit = '';
  let i = 0;
  while (i < text.length) {
    const open = text.indexOf('{{', i);
    if (open < 0) {
      lit += text.slice(i);
      break;
    }
    lit += text.slice(i, open);
    const close = text.indexOf('}}', open + 2);
    if (close < 0) throw new TemplateSyntaxError(`"{{" at character ${open + 1} is not closed by "}}"`);
    const inner = text.slice(open + 2, close);
    const ref = parseRef(inner, open + 3);
    if (typeof ref === 'string') lit += ref;
    else {
      if (lit !== '') parts.push(lit);
      lit = '';
      parts.push(ref);
    }
    i = close + 2;
  }
  if (lit !== '') parts.push(lit);
  return parts;
}

/** The references of a template (an empty list for plain text); throws as parseTemplate. */
export function templateRefs(text: string): TemplateRef[] {
  if (!isTemplate(text)) return [];
  return parseTemplate(text).filter((p): p is TemplateRef => typeof p !== 'string');
}

/** One reference between braces; a string literal gives its text. `at` is its 1-based place in the template. */
function parseRef(src: string, at: number): TemplateRef | string {
  let i = skip(src, 0);
  const fail = (what: string): never => {
    throw new TemplateSyntaxError(`{{${src}}}: ${what} at character ${at + i}`);
  };
  if (i >= src.length) fail('an empty reference');
  if (src[i] === '"') {
    const [value, end] = readString(src, i, fail);
    if (skip(src, end) !== src.length) {
      i = end;
      fail('a string literal stands alone');
    }
    return value;
  }
  const head = match(NAME, src, i);
  if (head === undefined) fail('a reference starts with a name such as params, item, steps');
  i += head!.length;
  const ref: TemplateRef = { text: src.trim(), head: head!, path: [] };
  if (head === 'steps') {
    if (src[i] === '.') {
      const step = match(STEP_PATH, src, i + 1);
      if (step === undefined) fail('"steps." needs a step path (write steps["a.b"] for an id with dots)');
      ref.step = step;
      i += 1 + step!.length;
    } else if (src[i] === '[') {
      const s = skip(src, i + 1);
      if (src[s] !== '"') {
        i = s;
        fail('steps[...] takes a step path in double quotes');
      }
      const [value, end] = readString(src, s, fail);
      i = skip(src, end);
      if (src[i] !== ']') fail('"]" expected');
      if (value === '') fail('an empty step path');
      ref.step = value;
      i++;
    } else fail('"steps" is followed by .STEP or ["STEP"]');
  }
  for (;;) {
    const j = skip(src, i);
    if (j >= src.length) break;
    i = j;
    if (src[i] === '.') {
      const name = match(NAME, src, i + 1) ?? match(DIGITS, src, i + 1);
      if (name === undefined) fail('a name expected after "."');
      ref.path.push(name!);
      i += 1 + name!.length;
    } else if (src[i] === '[') {
      const s = skip(src, i + 1);
      if (src[s] === '"') {
        const [value, end] = readString(src, s, fail);
        ref.path.push(value);
        i = skip(src, end);
      } else {
        const digits = match(DIGITS, src, s);
        if (digits === undefined) {
          i = s;
          fail('an index or a "string" expected in brackets');
        }
        ref.path.push(Number(digits));
        i = skip(src, s + digits!.length);
      }
      if (src[i] !== ']') fail('"]" expected');
      i++;
    } else fail(`unexpected "${src[i]}"`);
  }
  return ref;
}

function skip(src: string, i: number): number {
  WS.lastIndex = i;
  WS.exec(src);
  return WS.lastIndex;
}

function match(re: RegExp, src: string, i: number): string | undefined {
  re.lastIndex = i;
  const m = re.exec(src);
  return m ? m[0] : undefined;
}

/** A JSON string starting at `i` (a `"`): its value and the index after it. */
function readString(src: string, i: number, fail: (what: string) => never): [string, number] {
  let j = i + 1;
  while (j < src.length && src[j] !== '"') j += src[j] === '\\' ? 2 : 1;
  if (j >= src.length) fail('a string is not closed');
  try {
    return [JSON.parse(src.slice(i, j + 1)) as string, j + 1];
  } catch {
    return fail('a string with a bad escape');
  }
}
