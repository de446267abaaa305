/**
 * Substitution (docs/flow-language.md, Substitution): a task's image, argv elements, env
 * values and working directory resolved for one step and attempt, from the data json-logic
 * reads there. Each field is resolved on its own and stays one string (one argv element):
 * nothing is joined into a shell line. A reference to an input becomes a placeholder the
 * runtime replaces with the input's path (it alone knows where inputs live).
 */
import { clipped, type StrataError } from '../errors/strata-error.ts';
import { exactJson } from '../logic/exact-number.ts';
import { placeOf } from '../logic/json-logic.ts';
import type { Computed, JsonValue, TaskSpec } from '../flow/types.ts';
import { isTemplate, parseTemplate, type TemplateRef } from '../flow/template.ts';
import { artifactNames } from '../flow/task-parts.ts';
import type { RunTask, StepStatus } from './types.ts';
import { inputPlaceholder, runPlaceholder } from './input-placeholder.ts';
import { withFiles } from './run-task.ts';

/** What references read, for one step. */
export interface SubstitutionData {
  /** what json-logic reads at the step (StepData.dataFor), for names, and for computed values */
  data: Record<string | symbol, unknown>;
  /** the names fan-out items are read by here (`item` and every enclosing `as`) */
  itemNames?: ReadonlySet<string>;
  attempt: number;
  /** a step named by a step path (as in inputs), resolved to its id, with what it has so far */
  step(path: string): { id: string; status: StepStatus; result?: JsonValue; parameters?: Record<string, JsonValue>; exitCode?: number; missing(what: string): string };
  /** evaluate a computed value's json-logic against `data` (with attempt) */
  evaluate(expr: JsonValue): JsonValue;
}

/**
 * The most bytes one argv element or one environment variable (`NAME=value`) may hold:
 * Linux's MAX_ARG_STRLEN (32 pages, 131,072 bytes with the closing NUL), past which
 * execve fails with E2BIG, for a local process and a Kubernetes container alike.
 */
export const MAX_ARG_BYTES = 131_071;

/** The RunTask of `task` for one step; throws an Error whose message names the field and the reference, or a field too big to pass (MAX_ARG_BYTES). */
export function resolveTask(task: TaskSpec, d: SubstitutionData): RunTask {
  const field = (v: Computed, where: string, prefix = 0): string => fits(resolveText(v, where, d), where, prefix);
  const out: RunTask = { image: field(task.image, 'image') };
  if (task.command) out.command = task.command.map((v, i) => field(v, `command[${i}]`));
  if (task.args) out.args = task.args.map((v, i) => field(v, `args[${i}]`));
  if (task.env) out.env = Object.fromEntries(Object.entries(task.env).map(([k, v]) => [k, field(v, `env.${k}`, utf8Bytes(k) + 1)]));
  if (task.workingDir !== undefined) out.workingDir = field(task.workingDir, 'workingDir');
  if (task.resources) out.resources = task.resources;
  if (task.outputs) out.outputs = artifactNames(task.outputs);
  if (task.result === 'stdout' || task.result === 'text') out.result = task.result;
  return withFiles(out, task);
}

/**
 * `task` with each output parameter's `default` that is a template (text with `{{ }}`)
 * resolved as its fields are, when the step starts (an imported Argo default reading a
 * workflow parameter: Argo tester 7, R1); a default without one is kept as written.
 */
export function withDefaultsResolved(task: RunTask, d: SubstitutionData): RunTask {
  const specs = task.parameters;
  if (!specs || !Object.values(specs).some((p) => typeof p.default === 'string' && isTemplate(p.default))) return task;
  const parameters = Object.fromEntries(Object.entries(specs).map(([k, p]) => [k, typeof p.default === 'string' && isTemplate(p.default) ? { ...p, default: resolveText(p.default, `outputs.parameters.${k}.default`, d) } : p]));
  return { ...task, parameters };
}

/** One field's text: a template with its references resolved, or a computed value written as text. */
export function resolveText(v: Computed, where: string, d: SubstitutionData): string {
  if (typeof v !== 'string') {
    let value: JsonValue;
    try {
      value = d.evaluate(v);
    } catch (e) {
      // A value that names its own place (an Argo field: `template say, container.command[1]`) keeps it alone.
      throw new Error((e as StrataError).details?.placed ? (e as Error).message : `${where}: ${(e as Error).message}`);
    }
    // Name the expression: a field may hold several, and null says nothing of which part gave it.
    // An imported field names its own place and expression (`template say, container.command[1]: expression "..."`).
    const placed = placeOf(v);
    if (value === null) throw new Error(placed ? `${placed} gave null, which no argument or environment value can be` : `${where}: its json-logic ${shortJson(v)} gave null, which no argument or environment value can be`);
    return render(value, placed ?? where, placed ? 'its value' : 'its json-logic');
  }
  if (!isTemplate(v)) return v;
  let out = '';
  for (const part of parseTemplate(v)) {
    if (typeof part === 'string') out += part;
    // The runtime alone knows where inputs are: it replaces the placeholder.
    else if (part.head === 'inputs') out += inputPlaceholder(String(part.path[0]));
    else if (part.head === 'run') out += runPlaceholder(String(part.path[0]));
    else {
      const value = lookup(part, where, d);
      // An item is data: a null in it is written as its JSON text, as Argo writes a loop item's
      // fields (and as `{{ item }}` of an object writes its null fields); a field it lacks fails.
      out += value === null && d.itemNames?.has(part.head) ? 'null' : render(value, where, `{{ ${part.text} }}`);
    }
  }
  return out;
}

/** `text` when it (after `prefix` bytes, an env variable's `NAME=`) fits one argument, else an Error naming the field. */
function fits(text: string, where: string, prefix: number): string {
  // Characters take 1 to 4 bytes: count bytes only where the count could pass the limit.
  if (text.length * 3 + prefix <= MAX_ARG_BYTES) return text;
  const bytes = utf8Bytes(text) + prefix;
  if (bytes <= MAX_ARG_BYTES) return text;
  const what = prefix > 0 ? `${where} (${where.slice(4)}=value)` : where;
  throw new Error(`${what} is ${bytes.toLocaleString('en')} bytes once substituted, more than the ${MAX_ARG_BYTES.toLocaleString('en')} a single argument or environment variable may hold (Linux's MAX_ARG_STRLEN; no process or container could start with it): pass a value this large in a file (an input or an artifact)`);
}

const encoder = new TextEncoder();
const utf8Bytes = (s: string): number => encoder.encode(s).length;

/** An expression for a message: compact JSON, cut at 200 characters. */
function shortJson(v: unknown): string {
  return clipped(JSON.stringify(v) ?? '');
}

/** A value as text: a string as itself, anything else as compact JSON (numbers read from JSON text as written: exactJson); null and NUL refused. */
function render(value: JsonValue | undefined, where: string, what: string): string {
  if (value === null || value === undefined) throw new Error(`${where}: ${what} is null`);
  const text = typeof value === 'string' ? value : exactJson(value);
  // The run's placeholders (a computed value's `run.id`) are the runtime's to fill; any other NUL is refused.
  if (text.replace(/\0strata-run:(id|step|pod)\0/g, '').includes('\0')) throw new Error(`${where}: ${what} holds a NUL character, which no argument or environment value can carry`);
  return text;
}

function lookup(ref: TemplateRef, where: string, d: SubstitutionData): JsonValue | undefined {
  const data = d.data;
  switch (ref.head) {
    case 'attempt':
      return d.attempt;
    case 'steps': {
      const s = d.step(ref.step!);
      const [field, ...rest] = ref.path;
      if (field === 'status') return s.status;
      if (field === 'exitCode') {
        if (s.exitCode === undefined) throw new Error(`${where}: {{ ${ref.text} }}: ${s.missing('exit code')}`);
        return s.exitCode;
      }
      if (field === 'outputs') {
        const name = String(ref.path[2]);
        const v = s.parameters?.[name];
        // A failed step's outputs are read as a succeeded one's; what it never gave is named.
        if (v === undefined) throw new Error(`${where}: {{ ${ref.text} }}: ${s.missing(`output parameter "${name}"`)}`);
        return v;
      }
      if (s.result === undefined) throw new Error(`${where}: {{ ${ref.text} }}: ${s.missing('result')}`);
      return dig(s.result, rest);
    }
    default: {
      const base = ref.head === 'item' ? data.item : (data as Record<string, unknown>)[ref.head];
      const value = dig(base as JsonValue | undefined, ref.path);
      // Say what the item holds: the reference's name may be the importer's (an Argo loop's `{{item.x}}`).
      if (value === undefined && ref.path.length > 0 && d.itemNames?.has(ref.head) && base !== undefined) {
        throw new Error(`${where}: {{ ${ref.text} }} is missing: the loop item ${shortJson(base)} has no ${ref.path.map((p) => JSON.stringify(p)).join(' / ')}`);
      }
      return value;
    }
  }
}

/** Follow `path` into `value` (own properties only); undefined when it leads nowhere. */
function dig(value: JsonValue | undefined, path: Array<string | number>): JsonValue | undefined {
  let v: unknown = value;
  for (const seg of path) {
    if (v === null || typeof v !== 'object' || !Object.prototype.hasOwnProperty.call(v, seg)) return undefined;
    v = (v as Record<string, unknown>)[seg];
  }
  return v as JsonValue | undefined;
}
