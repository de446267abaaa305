/**
 * Values as the importer carries them while it inlines templates: text with references
 * whose targets are known by their place in the flow, not yet by how the step that reads
 * them will write them. A reference to a step is written relative to the step that reads
 * it (`./a`, `../a`) only when the reading step is inside a fan-out item, because only
 * there is the target's id not known before the run (`loop/3/a`).
 *
 * Rendering gives strata's substitution (`{{ steps.a.result }}`, docs/flow-language.md)
 * where it can say the value, and a json-logic computed value otherwise (Argo's
 * capitalised statuses, expressions).
 */
import { StrataError } from '../errors/strata-error.ts';
import type { JsonValue, Logic } from '../flow/types.ts';

/** A segment of a step path: a step id segment, or the item of the fan-out whose `as` is given. */
export type Seg = string | { item: string };
export type Path = Seg[];

export type Part =
  | { kind: 'text'; text: string }
  /** `runBound`: a param whose value names the run (the workflow name), for a task's fields only, never a condition */
  | { kind: 'param'; name: string; runBound?: true }
  | { kind: 'item'; as: string; path: string[] }
  | { kind: 'result'; step: Path; path: string[] }
  | { kind: 'output'; step: Path; name: string }
  | { kind: 'exit'; field: 'status' | 'duration' | 'failures' }
  | { kind: 'status'; step: Path }
  /** a container or script step's exit code (Argo's `{{steps.X.exitCode}}`, text in Argo) */
  | { kind: 'exitCode'; step: Path }
  | { kind: 'run'; field: 'id' | 'step' | 'pod' }
  | { kind: 'logic'; make: (from: Path) => Logic };

/** A text value: its parts, concatenated. */
export type Value = Part[];

export const text = (t: string): Value => [{ kind: 'text', text: t }];

/**
 * A value standing for an argument refused already (its problem said), while the template it
 * is bound to is read for its own problems (Argo tester 8, S3): never literal text, so
 * nothing checks its text again; `isRefused` tells it apart where text is needed (a path).
 */
export const REFUSED: Value = [{ kind: 'logic', make: () => ({ var: 'refused' }) }];

/** Whether `v` holds the stand-in of a refused argument (REFUSED). */
export const isRefused = (v: Value): boolean => v.includes(REFUSED[0]);

/** The value as one literal string when it has no references. */
export function literal(v: Value): string | undefined {
  return v.every((p) => p.kind === 'text') ? v.map((p) => (p as { text: string }).text).join('') : undefined;
}

const segText = (s: Seg): string => (typeof s === 'string' ? s : '*');
/** A path for messages: `loop/*\/a`. */
export const showPath = (p: Path): string => p.map(segText).join('/');

/**
 * How the step at `from` names the step at `to`: from the unit root when no fan-out item
 * lies on `to`'s way, else relative to `from`'s parent (`./a`, `../../a`).
 */
export function stepRef(from: Path, to: Path): string {
  if (to.every((s) => typeof s === 'string')) return to.join('/');
  const base = from.slice(0, -1);
  let k = 0;
  while (k < base.length && k < to.length && sameSeg(base[k], to[k])) k++;
  const rest = to.slice(k);
  if (rest.some((s) => typeof s !== 'string')) {
    throw new StrataError('invalid_document', `step ${showPath(from)} cannot read step ${showPath(to)}: it lies inside the item of another loop`);
  }
  const up = base.length - k;
  return (up === 0 ? './' : '../'.repeat(up)) + rest.join('/');
}

const sameSeg = (a: Seg, b: Seg): boolean => (typeof a === 'string' ? a === b : typeof b !== 'string' && a.item === b.item);

const PLAIN_STEP = /^[A-Za-z0-9_\-/#]+$/;
const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const accessor = (path: string[]): string => path.map((k) => (NAME.test(k) ? `.${k}` : /^[0-9]+$/.test(k) ? `[${k}]` : `[${JSON.stringify(k)}]`)).join('');
const stepHead = (ref: string): string => (PLAIN_STEP.test(ref) ? `steps.${ref}` : `steps[${JSON.stringify(ref)}]`);

/**
 * The name the step at `from` reads the item of the loop named `as` by: `item`, Argo's own
 * word (and strata's for the innermost item), when that loop is the innermost around
 * `from`; else its `as` name (an outer loop's item read inside an inner loop). So a message
 * about it says `{{ item.name }}` as the document wrote it, not the importer's name.
 */
function itemName(as: string, from: Path): string {
  for (let i = from.length - 1; i >= 0; i--) {
    const s = from[i];
    if (typeof s !== 'string') return s.item === as ? 'item' : as;
  }
  return as;
}

/** The reference inside `{{ }}` for a part strata's substitution can say, else undefined. */
function substitution(p: Part, from: Path): string | undefined {
  switch (p.kind) {
    case 'param':
      return `params${accessor([p.name])}`;
    case 'item':
      return `${itemName(p.as, from)}${accessor(p.path)}`;
    case 'result':
      return `${stepHead(stepRef(from, p.step))}.result${accessor(p.path)}`;
    case 'output':
      return `${stepHead(stepRef(from, p.step))}.outputs.parameters${accessor([p.name])}`;
    case 'exit':
      return `exit.${p.field}`;
    case 'exitCode':
      return `${stepHead(stepRef(from, p.step))}.exitCode`;
    case 'run':
      return `run.${p.field}`;
    default:
      return undefined;
  }
}

/** json-logic reading the keys `path` of the data: `var` splits its path at ".", so a key holding one (an Argo name `a.b`) is read whole by `at`. */
export const readLogic = (path: string[]): Logic => (path.some((k) => k.includes('.')) ? { at: path } : { var: path.join('.') });

/** json-logic for one part, read by the step at `from`. */
export function partLogic(p: Part, from: Path): Logic {
  switch (p.kind) {
    case 'text':
      return p.text;
    case 'param':
      return readLogic(['params', p.name]);
    case 'item':
      return readLogic([itemName(p.as, from), ...p.path]);
    case 'result':
      return p.path.length > 0 ? { result: [stepRef(from, p.step), p.path.join('.')] } : { result: stepRef(from, p.step) };
    case 'output':
      return { output: [stepRef(from, p.step), p.name] };
    case 'exit':
      return p.field === 'status' ? { if: [{ '==': [{ var: 'exit.status' }, 'succeeded'] }, 'Succeeded', 'Failed'] } : { var: `exit.${p.field}` };
    case 'status':
      return argoPhase(() => ({ status: stepRef(from, p.step) }));
    case 'exitCode':
      return { exitCode: stepRef(from, p.step) };
    case 'run':
      // In a computed task field the engine gives `run` as the runtime's placeholders (substitute.ts).
      return { var: `run.${p.field}` };
    case 'logic':
      return p.make(from);
  }
}

/** Argo's word for a strata status: Succeeded, Failed, Skipped, Pending, Running (a cancelled step is Failed). */
function argoPhase(status: () => Logic): Logic {
  // A fresh reader each time: one object shared would print as a YAML anchor and aliases.
  const is = (s: string): Logic => ({ '==': [status(), s] });
  return { if: [is('succeeded'), 'Succeeded', is('skipped'), 'Skipped', is('pending'), 'Pending', is('running'), 'Running', 'Failed'] };
}

/**
 * The value as the step at `from` writes it in a task field: a string (substitution) when
 * every part can be said so, else a json-logic computed value (`cat` of its parts).
 */
export function renderField(v: Value, from: Path): string | { [op: string]: JsonValue } {
  // Argo's capitalised status needs json-logic; renderLogic writes `workflow.failures` beside
  // it as JSON through `text`, so it is Argo's word in every field (Argo tester 6, Q5).
  const capitalise = v.some((p) => p.kind === 'exit' && p.field === 'status');
  if (capitalise || v.some((p) => p.kind === 'logic')) return renderLogic(v, from) as { [op: string]: JsonValue };
  let out = '';
  for (const p of v) {
    if (p.kind === 'text') {
      out += p.text.replaceAll('{{', '{{ "{{" }}');
      continue;
    }
    const s = substitution(p, from);
    if (s === undefined) return renderLogic(v, from) as { [op: string]: JsonValue };
    out += `{{ ${s} }}`;
  }
  return out;
}

/** Parts whose value is always a string or a number (statuses, a duration, the run's names): `cat` writes them as they are. */
const writesText = (p: Part): boolean => p.kind === 'status' || p.kind === 'run' || (p.kind === 'exit' && p.field !== 'failures');

/** The value as json-logic read at `from`: one part as itself, several as their `cat`. */
export function renderLogic(v: Value, from: Path): Logic {
  const parts = v.filter((p) => !(p.kind === 'text' && p.text === ''));
  if (parts.length === 0) return '';
  if (parts.length === 1) return partLogic(parts[0], from);
  // One conversion for every value put into text (Argo tester fault 7): a string as itself,
  // anything else (a loop's list, an object, a number) as JSON, as substitution writes it;
  // json-logic's own `cat` would write a list as "a,b" and an object as "[object Object]".
  return { cat: parts.map((p) => (p.kind === 'text' ? p.text : writesText(p) ? partLogic(p, from) : { text: partLogic(p, from) })) };
}
