/**
 * How deep JSON text nests, counted on the text before any parser or writer sees it (Argo
 * tester 5, P7). JSON.parse reads any depth, but JSON.stringify, lossless-json and every
 * recursive walk after it overflow the stack somewhere past a few thousand levels
 * (`Maximum call stack size exceeded`): a step's standard output nested 6,000 deep failed
 * its step as an infrastructure failure, run three times. Every place strata reads JSON a
 * user or a step gave (results, standard output, `-p` and `params` values, fromJson and
 * withParam text, cycle sources) asks here first and treats text deeper than
 * MAX_DATA_DEPTH as the place's own problem (docs/api-safety.md, "Nesting"). Pure.
 */
import { DEFAULT_LIMITS } from '../flow/limits.ts';

/**
 * Deepest nesting of JSON data a run carries: the default of STRATA_MAX_TEXT_NESTING, the
 * documents' limit, fixed here because results and items are read in processes (a pod's
 * quarterback, the CLI) that do not take the service's configuration.
 */
export const MAX_DATA_DEPTH = DEFAULT_LIMITS.maxTextNesting;

/** `nested more than 256 levels deep`: how every refusal says it. */
export function tooDeepText(max: number = MAX_DATA_DEPTH): string {
  return `nested more than ${max} levels deep`;
}

/**
 * Whether the JSON text `text` (valid or not) opens more than `max` lists and objects
 * inside each other: brackets count outside strings only. One pass over the text, no
 * allocation; text without any bracket returns at once.
 */
export function jsonTooDeep(text: string, max: number = MAX_DATA_DEPTH): boolean {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x5b || c === 0x7b) {
      if (++depth > max) return true;
    } else if (c === 0x5d || c === 0x7d) depth--;
    else if (c === 0x22) {
      // A string: skip to its closing quote, a backslash escaping the next character.
      for (i++; i < text.length; i++) {
        const s = text.charCodeAt(i);
        if (s === 0x5c) i++;
        else if (s === 0x22) break;
      }
    }
  }
  return false;
}

/**
 * Whether `value` (parsed data) nests more than `max` lists and objects, or holds a string
 * that is JSON text nesting that deep (a parameter's text that fromJson or withParam would
 * read). Walked iteratively, so the check itself cannot overflow.
 */
export function valueTooDeep(value: unknown, max: number = MAX_DATA_DEPTH): boolean {
  const stack: Array<[unknown, number]> = [[value, 0]];
  while (stack.length > 0) {
    const [v, d] = stack.pop()!;
    if (typeof v === 'string') {
      // Text read as JSON is read on its own: its depth is its own, wherever it sits.
      if (v.length > max && jsonTooDeep(v, max)) return true;
      continue;
    }
    if (v === null || typeof v !== 'object') continue;
    if (d + 1 > max) return true;
    for (const k of Array.isArray(v) ? v : Object.values(v)) if (k !== null && (typeof k === 'object' || typeof k === 'string')) stack.push([k, d + 1]);
  }
  return false;
}
