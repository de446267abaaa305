/**
 * What a task's templates and computed values refer to, judged where the task sits in the
 * flow (docs/flow-language.md, Substitution): every reference must name something that
 * step will have when it starts. Step references are handed back to be checked with the
 * other references once every step id is known (check-references.ts). Pure.
 */
import type { Problem } from '../errors/strata-error.ts';
import { didYouMean } from '../flow/nearest.ts';
import { RUN_FIELDS, TemplateSyntaxError, templateRefs, type TemplateRef } from '../flow/template.ts';
import type { Computed, JsonValue, TaskSpec } from '../flow/types.ts';
import { referencesIn } from './check-references.ts';

/** Where a task sits, as far as its references care. */
export interface TemplateScope {
  /** `as` names of the enclosing fan-outs of this unit, outermost first */
  items: string[];
  /** inside a cycle's ring */
  inCycle: boolean;
  /** inside an exit handler */
  inExit: boolean;
  /** the params the unit declares (spec.params keys); undefined when unknown (a generated unit) */
  params: Set<string> | undefined;
}

/** A step named by a template or a computed value, to check once all ids are known. */
export interface StepMention {
  path: string;
  form: 'results' | 'result';
  text: string;
  /** for `steps.X.outputs.parameters.N`: N */
  parameter?: string;
  /** the reference as written, for messages */
  shown?: string;
}

const FIXED_HEADS = ['params', 'item', 'round', 'attempt', 'inputs', 'exit', 'steps', 'run'];
const STEP_FIELDS = ['result', 'outputs', 'status', 'exitCode'];

/**
 * Call `visit` with each field of `task` resolved when it starts (its name, and its index or
 * env key), in order, until it answers false; whether it went through them all. The one list
 * of those fields, for computedFields and templateFree.
 */
function eachComputed(task: TaskSpec, visit: (value: Computed, field: string, key?: number | string) => boolean): boolean {
  if (!visit(task.image, 'image')) return false;
  if (task.command) for (let i = 0; i < task.command.length; i++) if (!visit(task.command[i], 'command', i)) return false;
  if (task.args) for (let i = 0; i < task.args.length; i++) if (!visit(task.args[i], 'args', i)) return false;
  const env = task.env;
  if (env) for (const k in env) if (Object.hasOwn(env, k) && !visit(env[k], 'env', k)) return false;
  return task.workingDir === undefined || visit(task.workingDir, 'workingDir');
}

/** The fields of a task that are resolved when it starts, with their paths under `path`. */
export function computedFields(task: TaskSpec, path: string): Array<{ path: string; value: Computed }> {
  const out: Array<{ path: string; value: Computed }> = [];
  eachComputed(task, (value, field, key) => {
    out.push({ path: key === undefined ? `${path}.${field}` : typeof key === 'number' ? `${path}.${field}[${key}]` : `${path}.${field}.${key}`, value });
    return true;
  });
  return out;
}

/**
 * Whether none of computedFields(task) can hold a reference: each is text without `{{`
 * (the common case: a generated flow's 100,000 tasks), so there is nothing to list or judge
 * (checkTemplates then answers no problems and no steps).
 */
export function templateFree(task: TaskSpec): boolean {
  return eachComputed(task, plainText);
}

/** Text without `{{`: no reference can be in it. */
function plainText(v: Computed | undefined): boolean {
  return typeof v === 'string' && !v.includes('{{');
}

/** Problems of a task's references, and the steps they name. `path` is the task's (`spec.root.task`). */
export function checkTemplates(task: TaskSpec, path: string, scope: TemplateScope, found = 0): { problems: Problem[]; steps: StepMention[] } {
  if (templateFree(task)) return { problems: [], steps: [] };
  return checkTemplateFields(computedFields(task, path), Object.keys(task.inputs ?? {}), scope, found);
}

/** Problems of the references in `fields` (templates or computed values), given the input names they may read. */
export function checkTemplateFields(fields: Array<{ path: string; value: Computed }>, inputs: string[], scope: TemplateScope, found = 0): { problems: Problem[]; steps: StepMention[] } {
  const problems: Problem[] = [];
  const steps: StepMention[] = [];
  for (const field of fields) {
    if (typeof field.value !== 'string') {
      for (const r of referencesIn(field.value)) steps.push({ path: field.path, form: r.form, text: r.text, ...(r.parameter !== undefined ? { parameter: r.parameter } : {}) });
      continue;
    }
    let refs: TemplateRef[];
    try {
      refs = templateRefs(field.value);
    } catch (e) {
      if (e instanceof TemplateSyntaxError) problems.push({ path: field.path, message: e.message });
      continue;
    }
    for (const ref of refs) {
      const problem = judge(ref, inputs, scope, field.path, steps, found + problems.length);
      if (problem) problems.push({ path: field.path, message: `{{ ${ref.text} }}: ${problem}` });
    }
  }
  return { problems, steps };
}

/** What is wrong with one reference, or undefined; step references are collected into `steps`. */
function judge(ref: TemplateRef, inputs: string[], scope: TemplateScope, path: string, steps: StepMention[], found: number): string | undefined {
  const first = ref.path[0];
  switch (ref.head) {
    case 'params':
      if (first === undefined) return undefined; // the whole params object, as JSON
      if (scope.params && !scope.params.has(String(first))) {
        return `param "${first}" is not declared in spec.params${didYouMean(String(first), scope.params, found)} (declare it there, with null when it has no default)`;
      }
      return undefined;
    case 'item':
      if (scope.items.length === 0 && !scope.items.includes('item')) return 'item is only given inside a fan-out';
      return undefined;
    case 'round':
      return scope.inCycle ? noPath(ref) : 'round is only given inside a cycle';
    case 'attempt':
      return noPath(ref);
    case 'exit':
      if (!scope.inExit) return 'exit is only given inside an exit handler (onExit)';
      if (first !== undefined && !['status', 'duration', 'failures'].includes(String(first))) return `exit has status, duration and failures, not "${first}"`;
      return undefined;
    case 'run':
      if (ref.path.length !== 1 || !(RUN_FIELDS as readonly string[]).includes(String(first))) return `write run.id, run.step or run.pod${first !== undefined ? didYouMean(String(first), RUN_FIELDS) : ''}`;
      return undefined;
    case 'inputs': {
      const names = inputs;
      if (first === undefined || ref.path.length > 1) return 'write inputs.NAME, NAME an input of this task';
      if (!names.includes(String(first))) return `this task has no input "${first}"${didYouMean(String(first), names, found)}`;
      return undefined;
    }
    case 'steps': {
      const field = ref.path[0];
      if (field === undefined || !STEP_FIELDS.includes(String(field))) {
        return `write steps.STEP.result, steps.STEP.outputs.parameters.NAME, steps.STEP.status or steps.STEP.exitCode${field !== undefined ? didYouMean(String(field), STEP_FIELDS) : ''}`;
      }
      if (field === 'outputs' && !(ref.path[1] === 'parameters' && typeof ref.path[2] === 'string' && ref.path.length === 3)) {
        return 'write steps.STEP.outputs.parameters.NAME';
      }
      if (field === 'status' && ref.path.length > 1) return 'a status has no fields';
      if (field === 'exitCode' && ref.path.length > 1) return 'an exit code has no fields';
      steps.push({ path, form: 'result', text: ref.step!, shown: `{{ ${ref.text} }}`, ...(field === 'outputs' ? { parameter: String(ref.path[2]) } : {}) });
      return undefined;
    }
    default:
      if (scope.items.includes(ref.head)) return undefined;
      return `no reference "${ref.head}"${didYouMean(ref.head, [...FIXED_HEADS, ...scope.items])}: a reference starts with params, item, an enclosing fan-out's as name, round, attempt, inputs, exit, steps or run`;
  }
}

function noPath(ref: TemplateRef): string | undefined {
  return ref.path.length > 0 ? `${ref.head} is a number and has no fields` : undefined;
}

/** The declared param names of a unit (spec.params keys). */
export function declaredParams(params: Record<string, JsonValue> | undefined): Set<string> {
  return new Set(Object.keys(params ?? {}));
}
