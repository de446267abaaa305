/**
 * References that can be known not to resolve are refused when a flow is compiled (so at
 * `strata plan`, registration and run start), each with its path and the nearest existing
 * name: a guard's `results.X` or `{"result": "X"}` naming no step (or one on the other side
 * of a pod's wall, whose results it cannot see), an input `step:output` naming no step or a
 * composite that writes no outputs. Step ids under a generate step are made at run time
 * and cannot be checked, nor can a relative input climbing above the flow's root (it names
 * a step of the flow that uses this one: checked when that flow is compiled); names
 * computed by json-logic are not checked either.
 */
import type { Problem } from '../errors/strata-error.ts';
import { didYouMean, nearest, suggesting } from '../flow/nearest.ts';
import type { JsonValue } from '../flow/types.ts';
import { resolveStep } from './step-path.ts';
import { appendAll } from '../flow/append-all.ts';

/** One reference found while compiling. */
export interface Reference {
  /** where it was written (`spec.root.sequence[1].when`) */
  path: string;
  /** `results` (a var path after `results.`), `result` (a step path), `input` (a step path) */
  form: 'results' | 'result' | 'input';
  /** as written: the var path after `results.`, or the step path */
  text: string;
  /** the step id (pattern, `*` for items and rounds) of the node it is evaluated for */
  at: string;
  /** the unit root's step id, that plain step paths start from */
  unit: string;
  /** the pod the node is inside ('' at macro level) */
  level: string;
  /** how the reference is shown in messages, when not as json-logic (`{{ steps.x.result }}`) */
  shown?: string;
  /** a named output parameter of the step it names */
  parameter?: string;
  /** for an input: the output it reads */
  output?: string;
}

/** What the compiler learned of the plan's step ids. */
export interface KnownSteps {
  /** every step id (pattern) -> its kind (the innermost node's, when a body shares its id) */
  kinds: Map<string, string>;
  /** step id -> the pod it is inside; a step without an entry is at the macro level ('') */
  levels: Map<string, string>;
  /** ids of generate steps: what is beneath them is known only at run time */
  generates: string[];
  /** the named output parameters each step declares, by step id (pattern) */
  parameters?: Map<string, string[]>;
  /** the artifacts each `use` unit declares as its outputs, by the use node's step id */
  unitOutputs?: Map<string, string[]>;
}

const LEAVES = new Set(['task', 'pod', 'generate']);
/** json-logic operations whose later arguments are evaluated against each element, not the data. */
const SCOPED = new Set(['filter', 'map', 'all', 'none', 'some', 'reduce']);

/** The `results.…` var paths and `result` (and `output`) step paths written as literals in an expression. */
export function referencesIn(expr: unknown): Array<{ form: 'results' | 'result'; text: string; parameter?: string }> {
  const out: Array<{ form: 'results' | 'result'; text: string; parameter?: string }> = [];
  const stack: unknown[] = [expr];
  while (stack.length > 0) {
    const e = stack.pop();
    if (Array.isArray(e)) {
      appendAll(stack, e);
      continue;
    }
    if (e === null || typeof e !== 'object') continue;
    const keys = Object.keys(e);
    if (keys.length !== 1) {
      appendAll(stack, Object.values(e));
      continue;
    }
    const op = keys[0];
    const arg = (e as Record<string, unknown>)[op];
    if (op === 'var') {
      const name = Array.isArray(arg) ? arg[0] : arg;
      if (typeof name === 'string' && name.startsWith('results.') && name.length > 8) out.push({ form: 'results', text: name.slice(8) });
      else stack.push(arg);
    } else if (op === 'result') {
      const path = Array.isArray(arg) ? arg[0] : arg;
      if (typeof path === 'string') out.push({ form: 'result', text: path });
      else stack.push(arg);
    } else if ((op === 'status' || op === 'exitCode') && (typeof arg === 'string' || (Array.isArray(arg) && typeof arg[0] === 'string'))) {
      out.push({ form: 'result', text: typeof arg === 'string' ? arg : (arg[0] as string) });
    } else if (op === 'output' && Array.isArray(arg) && typeof arg[0] === 'string') {
      out.push({ form: 'result', text: arg[0], ...(typeof arg[1] === 'string' ? { parameter: arg[1] } : {}) });
    } else if (SCOPED.has(op) && Array.isArray(arg)) {
      // Only the list is read from the data; the rest reads each element (json-logic's scoping).
      stack.push(arg[0]);
      if (op === 'reduce') stack.push(arg[2]);
    } else stack.push(arg);
  }
  return out;
}

/** Problems for every reference that cannot resolve. */
export function checkReferences(refs: Reference[], known: KnownSteps): Problem[] {
  const problems: Problem[] = [];
  // Listed when a hint is first needed: a copy of a million ids for a flow without a wrong reference was not free.
  let ids: string[] | undefined;
  const hint = (id: string) => {
    // Hints look at every id: only while the problems are few (nearest.ts, suggesting).
    const n = suggesting(problems.length) ? nearest(id, (ids ??= [...known.kinds.keys()].filter((k) => k !== ''))) : undefined;
    return n ? ` (did you mean "${n}"?)` : '';
  };
  for (const r of refs) {
    if (r.form === 'results') {
      const id = r.text.split('.')[0];
      if (underGenerate(id, known.generates)) continue;
      const found = match(id, known.kinds);
      if (found === undefined) {
        const dotted = dottedId(r.text, known.kinds);
        problems.push({
          path: r.path,
          message: dotted
            ? `results.${r.text}: var splits its path at ".", so this reads step "${id}", which does not exist; read step "${dotted}" with {"result": "${dotted}"}`
            : `results.${r.text}: no step "${id}"${hint(id)}${r.unit !== '' ? `; results is keyed by the run's full step ids, and {"result": "${id}"} reads a step of this unit` : ''}`,
        });
        continue;
      }
      levelProblem(r, id, found, known, problems);
      continue;
    }
    if (r.form === 'input' && starSegments(r.text) > 1) {
      problems.push({ path: r.path, message: `input "${r.text}": "*" stands for every item of one fan-out; name one, and the others by number` });
      continue;
    }
    const relative = r.text.startsWith('./') || r.text.startsWith('../');
    // A path climbing above the compiled flow's root names the steps of a flow that will use
    // this one: known only when that flow is compiled (then this check runs with its ids).
    if (relative && climbsOut(r.text, r.at)) continue;
    const id = relative ? resolveStep(r.text, r.at, r.unit) : joinUnit(r.unit, r.text);
    if (underGenerate(id, known.generates)) continue;
    const found = match(id, known.kinds);
    if (found === undefined) {
      problems.push({ path: r.path, message: `${shownAs(r)}: no step "${id}"${hint(id)}` });
      continue;
    }
    // Split only when a segment is `*` (a plain id, every input of a generated tree, has none).
    const star = starSegments(id) > 0 ? id.split('/').indexOf('*') : -1;
    if (star > 0 && known.kinds.get(id.split('/').slice(0, star).join('/')) !== 'fanOut') {
      problems.push({ path: r.path, message: `${shownAs(r)}: "*" stands for every item of a fan-out, and step "${id.split('/').slice(0, star).join('/')}" is not one` });
      continue;
    }
    const unitOutputs = known.unitOutputs?.get(found);
    if (r.form === 'input' && unitOutputs && r.output !== undefined) {
      if (!unitOutputs.includes(r.output)) problems.push({ path: r.path, message: `${shownAs(r)}: unit step "${id}" gives no output "${r.output}" (its spec.outputs.artifacts: ${unitOutputs.join(', ') || 'none'})` });
      continue;
    }
    if (r.form === 'input' && !LEAVES.has(known.kinds.get(found)!)) {
      problems.push({ path: r.path, message: `${shownAs(r)}: step "${id}" is a ${known.kinds.get(found)}, which writes no outputs; name the step inside it that writes the file` });
      continue;
    }
    if (r.form === 'result') levelProblem(r, id, found, known, problems);
    if (r.parameter !== undefined) {
      const declared = known.parameters?.get(found) ?? [];
      if (!declared.includes(r.parameter)) problems.push({ path: r.path, message: `${shownAs(r)}: step "${id}" declares no output parameter "${r.parameter}"${didYouMean(r.parameter, declared, problems.length)}` });
    }
  }
  return problems;
}

/** How a `result` or input reference is named in a problem (made only for a problem: a plan has one per input). */
function shownAs(r: Reference): string {
  return r.shown ?? (r.form === 'result' ? `{"result": "${r.text}"}` : `input "${r.text}"`);
}

/** A guard at one level cannot read results of the other (a pod's containers run in their own engine). */
function levelProblem(r: Reference, id: string, found: string, known: KnownSteps, problems: Problem[]): void {
  const level = known.levels.get(found) ?? '';
  if (level === r.level) return;
  const ref = r.shown ?? (r.form === 'results' ? `results.${r.text}` : `{"result": "${r.text}"}`);
  problems.push({
    path: r.path,
    message: level !== ''
      ? `${ref}: step "${id}" is a container inside pod "${level}", whose results only its own containers can read; read the pod's result, or pass the data as an input`
      : `${ref}: step "${id}" is outside pod "${r.level}", and inside a pod only the pod's own containers' results can be read; pass the data in as an input`,
  });
}

/** How many of step path `path`'s `/`-separated segments are `*`, without splitting it. */
function starSegments(path: string): number {
  let n = 0;
  for (let i = path.indexOf('*'); i !== -1; i = path.indexOf('*', i + 1)) {
    if ((i === 0 || path.charCodeAt(i - 1) === 47) && (i + 1 === path.length || path.charCodeAt(i + 1) === 47)) n++;
  }
  return n;
}

function climbsOut(path: string, at: string): boolean {
  let depth = at === '' ? 0 : at.split('/').length - 1; // the step's parent
  for (const seg of path.split('/')) {
    if (seg === '..') depth--;
    if (depth < 0) return true;
  }
  return false;
}

function joinUnit(unit: string, path: string): string {
  return unit === '' ? path : `${unit}/${path}`;
}

function underGenerate(id: string, generates: string[]): boolean {
  return generates.some((g) => id.startsWith(`${g}/`));
}

/**
 * The known id a concrete reference stands for: a segment of digits may stand for a fan-out
 * item (`*`), `x#2` for a round (`x#*`); exact segments are tried first.
 */
function match(id: string, kinds: Map<string, string>): string | undefined {
  if (kinds.has(id)) return id;
  const segs = id.split('/');
  let found: string | undefined;
  const walk = (i: number, acc: string[]): void => {
    if (found !== undefined) return;
    if (i === segs.length) {
      const cand = acc.join('/');
      if (kinds.has(cand)) found = cand;
      return;
    }
    const s = segs[i];
    walk(i + 1, [...acc, s]);
    if (/^[0-9]+$/.test(s)) walk(i + 1, [...acc, '*']);
    const round = /^(.+)#[0-9]+$/.exec(s);
    if (round) walk(i + 1, [...acc, `${round[1]}#*`]);
  };
  // Each numeric segment doubles the candidates: a reference with more than 12 is left unchecked.
  if (segs.filter((s) => /^[0-9]+$|#[0-9]+$/.test(s)).length > 12) return id;
  walk(0, []);
  return found;
}

/** A step id with a dot that a `results.` var path was meant to name (`build-v1.2` in `results.build-v1.2.ok`). */
function dottedId(text: string, kinds: Map<string, string>): string | undefined {
  const parts = text.split('.');
  for (let n = parts.length; n >= 2; n--) {
    const id = parts.slice(0, n).join('.');
    if (match(id, kinds) !== undefined) return id;
  }
  return undefined;
}

/** The refs of an expression written at `path`, evaluated for the node at `at`. */
export function expressionRefs(expr: JsonValue | undefined, path: string, at: string, unit: string, level: string): Reference[] {
  if (expr === undefined) return [];
  return referencesIn(expr).map((r) => ({ path, form: r.form, text: r.text, at, unit, level, ...(r.parameter !== undefined ? { parameter: r.parameter, shown: JSON.stringify({ output: [r.text, r.parameter] }).replace(/,/g, ', ').replace(/:/g, ': ') } : {}) }));
}
