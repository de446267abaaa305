/**
 * What an Argo template sees while it is inlined: its input parameters and artifacts (as
 * the caller bound them), the loop item of the step being called, and its sibling steps
 * (for `steps.x...` / `tasks.x...`). Tags (`{{ ... }}`) are read against a scope into values.
 */
import { invalid, StrataError } from '../errors/strata-error.ts';
import type { Logic } from '../flow/types.ts';
import { expressionPart } from './expressions.ts';
import { readLogic, renderLogic, type Path, type Value } from './values.ts';
import { exitGlobal, globalParam, MAIN_ENTRYPOINT, parametersJsonLogic, WORKFLOW_NAME, WORKFLOW_PARAMS_JSON, type ExitField, type Globals } from './globals.ts';
import { appendAll } from '../flow/append-all.ts';
import { ownValue, type ArgoParameter } from './argo-document.ts';

/**
 * Where an artifact comes from: a step's output file, or the unit's own input (`":name"`).
 * `optional`: bound through arguments and inputs that are all `optional: true`, so a file
 * its step did not write is left out rather than failing the step (Argo tester 3, N5).
 */
export type ArtifactSource = ({ step: Path; name: string } | { unitInput: string }) & { optional?: boolean };

/** What a template gives its caller, as seen from outside. */
export interface Outputs {
  /** the step's outputs.result, when it has one */
  result?: Value;
  /**
   * A containerSet's `{{steps.X.exitCode}}`: its main container's, which its pod gives when
   * asked (leaf.ts containerSetNode); text: why it has none (no main container).
   */
  exitCode?: (() => Value) | string;
  parameters: Map<string, Value>;
  artifacts: Map<string, ArtifactSource>;
}

export interface Sibling {
  path: Path;
  /** a looped step: its result is the list of its items' results, each output parameter the list of its items' values */
  looped: boolean;
  outputs?: Outputs;
  /** a looped step's output parameters that its items' own step gives (a container, script or templateRef), as the loop's lists */
  loopParameters?: Map<string, Value>;
  /** a looped step whose items have a result of their own (not a steps or dag template's) */
  itemResult?: boolean;
  /** a step refused already (its problems reported): what reads it is not refused again for it */
  refused?: boolean;
}

export interface Scope {
  /** the template's name, for messages */
  template: string;
  params: Map<string, Value>;
  artifacts: Map<string, ArtifactSource>;
  /** the `as` name of the loop of the step whose arguments are being read */
  item?: string;
  /** the steps or tasks a tag may read by name (a DAG task: only those it depends on, asked lazily) */
  siblings: { get(name: string): Sibling | undefined };
  /** `workflow.status`, `.duration`, `.failures` may be read: inside the exit handler */
  inExit: boolean;
  /** where `{{workflow.parameters.x}}` comes from: the flow's params, or a unit's from its callers (globals.ts) */
  globals: Globals;
  /** the Workflow's metadata, for `{{workflow.name}}` (not set where the workflow is another's: a WorkflowTemplate's) */
  workflow?: { name?: string; generateName?: string };
  /** a container or script template's declared paths, by Argo's path placeholder (`inputs.artifacts.a.path`); see PATH_TAG */
  paths?: Map<string, string>;
  /** the input parameter whose own value or default is being read (ownInput): another input is not in scope there */
  ownOf?: string;
}

/**
 * Argo's path placeholders: the declared path of a pod template's input artifact, output
 * artifact or output parameter (`valueFrom.path`), which Argo's substituteParams
 * (workflow/common/util.go) puts in the template's replace map when the path is set.
 */
export const PATH_TAG = /^(inputs\.artifacts|outputs\.artifacts|outputs\.parameters)\.(.+)\.path$/;

const bad = (scope: Scope, tag: string, why: string): StrataError => new StrataError('invalid_document', `template ${scope.template}: {{${tag}}}: ${why}`);

/** The sibling a `steps.x` / `tasks.x` tag names, with its outputs. */
function sibling(scope: Scope, name: string, tag: string): Sibling {
  const s = scope.siblings.get(name);
  if (!s) throw bad(scope, tag, `no step or task named "${name}" before this one in the template`);
  return s;
}

/** Argo names hold `-` and `.`: a tag is split at the dots around its known words. */
function splitTag(tag: string): string[] {
  let m = /^(steps|tasks)\.(.+)\.outputs\.result$/.exec(tag);
  if (m) return [m[1], m[2], 'outputs', 'result'];
  m = /^(steps|tasks)\.(.+?)\.outputs\.(parameters|artifacts)\.(.+)$/.exec(tag);
  if (m) return [m[1], m[2], 'outputs', m[3], m[4]];
  m = /^(steps|tasks)\.(.+)\.(exitCode|status)$/.exec(tag);
  if (m) return [m[1], m[2], m[3]];
  m = /^(inputs|workflow)\.(parameters|artifacts)\.(.+)$/.exec(tag);
  if (m) return [m[1], m[2], m[3]];
  return tag.split('.');
}

/** The value of one Argo variable (a tag's text without braces) in `scope`. */
export function resolveVariable(scope: Scope, tag: string): Value {
  // Argo sets an input's default and substitutes only the globals in it (ownInput): another
  // input's tag stays as text there (Argo tester 8, S6: it was said to be missing).
  if (scope.ownOf !== undefined && /^inputs\./.test(tag.trim())) {
    throw bad(scope, tag, `an input's value or default is substituted with the workflow's parameters only (Argo leaves another input's tag in it as text); give ${scope.ownOf} as an argument, or read {{${tag.trim()}}} where ${scope.ownOf} is used`);
  }
  const path = PATH_TAG.exec(tag.trim());
  if (path) {
    const declared = scope.paths?.get(tag.trim());
    if (declared !== undefined) return [{ kind: 'text', text: declared }];
    const what = path[1] === 'inputs.artifacts' ? 'input artifact' : path[1] === 'outputs.artifacts' ? 'output artifact' : 'output parameter';
    throw bad(scope, tag, `template ${scope.template} has no ${what} "${path[2]}" with a ${path[1] === 'outputs.parameters' ? 'valueFrom.path' : 'path'} (Argo gives the path of one a container or script template declares)`);
  }
  const parts = splitTag(tag.trim());
  const [head] = parts;
  if (head === 'inputs' && parts[1] === 'parameters' && parts.length === 3) {
    const v = scope.params.get(parts[2]);
    if (!v) throw bad(scope, tag, `template ${scope.template} has no input parameter "${parts[2]}"`);
    return v;
  }
  if (head === 'item') {
    // Argo substitutes an item into the looping step's own fields (operator.go processItem), never
    // into the template it calls, whose validation has no item in scope (Argo tester 8, S3).
    if (!scope.item) throw bad(scope, tag, `an item is read in the fields of the step that loops (withItems, withParam, withSequence: its arguments, when), not inside the template it calls; pass it in as an argument parameter ({name: x, value: "{{${tag.trim()}}}"}) and read {{inputs.parameters.x}}`);
    // Argo's {{item.X}} is key X of a map item, the whole rest of the tag (operator.go
    // processItem: `item.<key>` for each key), so `{{item.a.b}}` reads a key "a.b", never a
    // field b of a (Argo leaves that unresolved and fails the step).
    return [{ kind: 'item', as: scope.item, path: parts.length > 1 ? [parts.slice(1).join('.')] : [] }];
  }
  // All the workflow's parameters as JSON, and the entrypoint's name (Argo's global parameters:
  // operator.go setGlobalParameters; a parameter named `json` is set after and wins).
  const g0 = scope.globals;
  if (head === 'workflow' && parts[1] === 'parameters' && (parts.length === 2 || (parts.length === 3 && parts[2] === 'json' && !(g0.kind === 'flow' && g0.names.has('json'))))) {
    if (g0.kind === 'unit') {
      g0.read.add(WORKFLOW_PARAMS_JSON);
      return [{ kind: 'param', name: globalParam(WORKFLOW_PARAMS_JSON) }];
    }
    const logic = parametersJsonLogic(g0.args ?? [...g0.names]);
    return [{ kind: 'logic', make: () => logic as Logic }];
  }
  if (head === 'workflow' && parts[1] === 'mainEntrypoint' && parts.length === 2) {
    if (g0.kind === 'unit') {
      g0.read.add(MAIN_ENTRYPOINT);
      return [{ kind: 'param', name: globalParam(MAIN_ENTRYPOINT) }];
    }
    if (g0.entrypoint === undefined) throw bad(scope, tag, 'the workflow has no spec.entrypoint');
    return [{ kind: 'text', text: g0.entrypoint }];
  }
  if (head === 'workflow' && parts[1] === 'parameters' && parts.length === 3) {
    const g = scope.globals;
    // In a unit (a templateRef's, a recursive template's) the caller passes it in (globals.ts).
    if (g.kind === 'unit') {
      g.read.add(parts[2]);
      return [{ kind: 'param', name: globalParam(parts[2]) }];
    }
    if (!g.names.has(parts[2])) throw bad(scope, tag, `the workflow has no parameter "${parts[2]}" in spec.arguments.parameters`);
    return [{ kind: 'param', name: parts[2] }];
  }
  if (head === 'workflow' && parts.length === 2 && ['status', 'duration', 'failures'].includes(parts[1])) {
    const field = parts[1] as ExitField;
    // A unit (a WorkflowTemplate's template) takes it from its caller's exit handler (globals.ts, Q8).
    if (!scope.inExit && scope.globals.kind === 'unit') {
      scope.globals.read.add(exitGlobal(field));
      return [{ kind: 'param', name: globalParam(exitGlobal(field)) }];
    }
    if (!scope.inExit) throw bad(scope, tag, 'is known only in the exit handler (spec.onExit)');
    return [{ kind: 'exit', field: parts[1] as 'status' | 'duration' | 'failures' }];
  }
  // In a unit: the calling run's name, passed in by each call as its workflow parameters are (Argo tester 6, Q20).
  if (head === 'workflow' && parts.length === 2 && parts[1] === 'name' && scope.globals.kind === 'unit') {
    scope.globals.read.add(WORKFLOW_NAME);
    return [{ kind: 'param', name: globalParam(WORKFLOW_NAME), runBound: true }];
  }
  // The Workflow's name as Argo gives it: metadata.name, or generateName and a suffix of the run's own (its id).
  if (head === 'workflow' && parts.length === 2 && parts[1] === 'name' && scope.workflow?.name) return [{ kind: 'text', text: scope.workflow.name }];
  if (head === 'workflow' && parts.length === 2 && parts[1] === 'name' && scope.workflow?.generateName) return [{ kind: 'text', text: scope.workflow.generateName }, { kind: 'run', field: 'id' }];
  if (head === 'workflow' && parts.length === 2 && (parts[1] === 'name' || parts[1] === 'uid')) return [{ kind: 'run', field: 'id' }];
  if (head === 'pod' && parts.length === 2 && parts[1] === 'name') return [{ kind: 'run', field: 'pod' }];
  // Argo counts retries from 0; strata counts attempts from 1 (docs/flow-language.md, Retries).
  if (head === 'retries' && parts.length === 1) return [{ kind: 'logic', make: () => ({ '-': [{ var: 'attempt' }, 1] }) }];
  if ((head === 'steps' || head === 'tasks') && parts.length >= 3) {
    const s = sibling(scope, parts[1], tag);
    if (s.refused) return [{ kind: 'result', step: s.path, path: [] }];
    if (parts[2] === 'outputs' && parts[3] === 'result' && parts.length === 4) {
      if (s.looped && s.itemResult) return [{ kind: 'result', step: s.path, path: [] }];
      if (s.looped) throw bad(scope, tag, `the items of step ${parts[1]} have no outputs.result (only container, script and containerSet templates do)`);
      if (!s.outputs?.result) throw bad(scope, tag, `step ${parts[1]} has no outputs.result (only container, script and containerSet templates do)`);
      return s.outputs.result;
    }
    if (parts[2] === 'status' && parts.length === 3) return [{ kind: 'status', step: s.path }];
    // Argo puts `steps.X.exitCode` in scope for a container or script step (validate.go
    // addOutputsToScope) and gives it the pod's main container's exit code as text
    // (operator.go: the node's outputs.exitCode); strata's is the step's program's.
    if (parts[2] === 'exitCode' && parts.length === 3) {
      if (s.looped) throw bad(scope, tag, `step ${parts[1]} is a loop, whose items each have an exit code: Argo gives none for the loop`);
      // A containerSet's is its main container's (operator.go assessNodeStatus: getExitCode reads the container named main).
      if (typeof s.outputs?.exitCode === 'function') return s.outputs.exitCode();
      if (typeof s.outputs?.exitCode === 'string') throw bad(scope, tag, `step ${parts[1]} has no exit code: ${s.outputs.exitCode}`);
      const r = s.outputs?.result;
      if (!(r && r.length === 1 && r[0].kind === 'result' && r[0].path.length === 0)) throw bad(scope, tag, `step ${parts[1]} has no exit code (only container and script templates do, called directly or by templateRef, and a containerSet, its main container's)`);
      return [{ kind: 'exitCode', step: r[0].step }];
    }
    if (parts[2] === 'outputs' && parts[3] === 'parameters' && parts.length === 5) {
      if (s.looped) {
        const v = s.loopParameters?.get(parts[4]);
        if (v) return v;
        throw bad(scope, tag, `looped step ${parts[1]} gives no output parameter "${parts[4]}" of its own: strata aggregates the output parameters of a loop over a container, script or templateRef template, not those a steps or dag template takes from a step inside it`);
      }
      const v = s.outputs?.parameters.get(parts[4]);
      if (!v) throw bad(scope, tag, `step ${parts[1]} has no output parameter "${parts[4]}"`);
      return v;
    }
    if (parts[2] === 'outputs' && parts[3] === 'artifacts') throw bad(scope, tag, 'an artifact is read with `from` in arguments.artifacts, not as text');
  }
  throw bad(scope, tag, 'is not a variable strata maps (inputs.parameters.x, item, retries, steps.x.outputs.result, steps.x.outputs.parameters.y, steps.x.status, steps.x.exitCode, tasks.x..., workflow.parameters.x, workflow.parameters.json, workflow.mainEntrypoint, workflow.name, workflow.uid, workflow.status, workflow.duration, workflow.failures, pod.name, {{=expression}})');
}

/** A string with `{{ tag }}` and `{{= expression }}` parts, read in `scope`; `place` (template and field) names its expressions' errors. */
export function readTags(scope: Scope, s: string, place = `template ${scope.template}`): Value {
  const out: Value = [];
  // Every bad reference of the string is reported, not only the first.
  const problems: string[] = [];
  let at = 0;
  for (;;) {
    const open = s.indexOf('{{', at);
    if (open < 0) break;
    const close = s.indexOf('}}', open + 2);
    if (close < 0) {
      problems.push(`template ${scope.template}: "${s}": a {{ has no }}`);
      break;
    }
    if (open > at) out.push({ kind: 'text', text: s.slice(at, open) });
    const inner = s.slice(open + 2, close);
    try {
      if (inner.startsWith('=')) out.push(expressionPart(inner.slice(1), (v) => resolveVariable(scope, v), place));
      else appendAll(out, resolveVariable(scope, inner));
    } catch (e) {
      if ((e as StrataError).code !== 'invalid_document') throw e;
      problems.push((e as Error).message);
    }
    at = close + 2;
  }
  const own = `template ${scope.template}: `;
  const listed = problems.map((m) => ({ path: `template ${scope.template}`, message: m.startsWith(own) ? m.slice(own.length) : m }));
  // One error through the project's one path (invalid(): at most MAX_PROBLEMS listed, the rest counted).
  if (problems.length > 0) throw invalid(listed);
  if (at < s.length) out.push({ kind: 'text', text: s.slice(at) });
  return out;
}

/**
 * `fn`, with a problem it throws named by the Argo template and field it comes from
 * (`template main, step a, when: expression "1 +": ...`), so an expression's or a
 * reference's error says where it is written, not only strata's place for it.
 */
export function inField<T>(where: string, field: string, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    const err = e as StrataError;
    if (err.code !== 'invalid_document' || err.message.startsWith(`${where}, `)) throw e;
    // The template the field is of (`template say, inputs.parameters(b)`), else the one `where` names.
    const template = /^template [^,:]+/.exec(field)?.[0] ?? /^template [^,:]+/.exec(where)?.[0];
    const message = template && err.message.startsWith(`${template}: `) ? err.message.slice(template.length + 2) : err.message;
    // Each problem listed is placed at the field too (the list is what HTTP and the import report).
    const problems = (err.details.problems ?? []).map((p) => ({ ...p, path: `${where}, ${field}`, message: p.path === template ? p.message : `${p.path ? `${p.path}: ` : ''}${p.message}` }));
    throw new StrataError('invalid_document', `${where}, ${field}: ${message.split(`; ${template}: `).join(`; `)}`, { ...err.details, ...(problems.length ? { problems } : {}) });
  }
}

/**
 * An input parameter's own value (`value`, else `default`; undefined when it has neither)
 * as template `template` gets it when no argument gives one, read in `scope` with only the
 * workflow's globals (`{{workflow.parameters.x}}`, `{{workflow.name}}`): Argo sets the
 * default (ProcessArgs, overwriteWithDefaultParams) and then substitutes the globals over
 * the whole template, its inputs included (workflow/common/util.go SubstituteParams: "globals
 * could be referenced in the inputs"), so a tag there is read, not passed on as text (Argo
 * tester 7, R1). Another input, a step or an item is not in scope there, as in Argo.
 */
export function ownInput(scope: Scope, p: ArgoParameter, where: string, template = scope.template): Value | undefined {
  const own = ownValue(p);
  if (own === undefined) return undefined;
  const globalsOnly: Scope = { ...scope, template, params: new Map(), artifacts: new Map(), siblings: new Map(), item: undefined, ownOf: p.name };
  // Read where the call is (`template main, step s`), the input named with its template when that is another.
  const field = where === `template ${template}` || where.startsWith(`template ${template},`) ? `inputs.parameters(${p.name})` : `template ${template}, inputs.parameters(${p.name})`;
  return readField(globalsOnly, where, field, own);
}

/** Whether an input parameter's own value (or default) holds a tag (`{{...}}`): read when the run starts, not kept as text. */
export const ownHasTags = (p: ArgoParameter): boolean => ownValue(p)?.includes('{{') === true;

/**
 * Input `p` where it is a param of a flow (`name`: an entry template's input, settable by
 * arguments and `-p`; a unit's input, set by its caller's `with`): the param when it is given,
 * else, when its own value or default holds a tag, that value read with the workflow's
 * globals (ownInput) when the run starts; its param then has no default of its own (null,
 * paramDefault). As Argo substitutes the globals over the entrypoint's and a templateRef
 * template's inputs (workflow/common/util.go SubstituteParams; Argo tester 7, R1: it was
 * passed on as text).
 */
export function givenOrOwn(scope: Scope, p: ArgoParameter, where: string, name = p.name): Value {
  const param: Value = [{ kind: 'param', name }];
  const own = ownHasTags(p) ? ownInput(scope, p, where) : undefined;
  if (!own) return param;
  return [{ kind: 'logic', make: (from: Path) => ({ if: [{ '!=': [readLogic(['params', name]), null] }, readLogic(['params', name]), renderLogic(own, from)] }) }];
}

/** The default of the flow param input `p` is (givenOrOwn): its own value as text, null when it holds a tag (read at run start) or has none. */
export function paramDefault(p: ArgoParameter): string | null {
  return ownHasTags(p) ? null : (ownValue(p) ?? null);
}

/** A field's text read in `scope` (readTags), its problems and its expressions named by `where` and `field`. */
export function readField(scope: Scope, where: string, field: string, s: string): Value {
  return inField(where, field, () => readTags(scope, s, `${where}, ${field}`));
}

/**
 * `[tag, its reference]` when `s` is one `{{ reference }}` (a reference on one line), as
 * /^\{\{\s*(.+?)\s*\}\}$/ read it, but in one pass: the regex tried each length of the reference
 * against the spaces after it (quadratic: 400,000 spaces held a thread a minute).
 */
function oneTag(s: string): [string, string] | undefined {
  if (!s.startsWith('{{') || !s.endsWith('}}')) return undefined;
  const reference = s.slice(2, -2).trim();
  return reference === '' || /[\n\r\u2028\u2029]/.test(reference) ? undefined : [s, reference];
}

/** The artifact a `from` tag names: `{{steps.x.outputs.artifacts.y}}`, `{{tasks...}}`, `{{inputs.artifacts.z}}`. */
export function readArtifactFrom(scope: Scope, from: string): ArtifactSource {
  const m = oneTag(from.trim());
  if (!m) throw new StrataError('invalid_document', `template ${scope.template}: artifact from "${from}" must be one {{...}} reference`);
  const parts = splitTag(m[1]);
  if (parts[0] === 'inputs' && parts[1] === 'artifacts' && parts.length === 3) {
    const a = scope.artifacts.get(parts[2]);
    if (!a) throw bad(scope, m[1], `template ${scope.template} has no input artifact "${parts[2]}"`);
    return a;
  }
  if ((parts[0] === 'steps' || parts[0] === 'tasks') && parts[2] === 'outputs' && parts[3] === 'artifacts' && parts.length === 5) {
    const s = sibling(scope, parts[1], m[1]);
    if (s.refused) return { step: s.path, name: parts[4] };
    if (s.looped) throw bad(scope, m[1], 'artifacts of a looped step are not supported');
    const a = s.outputs?.artifacts.get(parts[4]);
    if (!a) throw bad(scope, m[1], `step ${parts[1]} has no output artifact "${parts[4]}"`);
    return a;
  }
  throw bad(scope, m[1], 'an artifact comes from steps.x.outputs.artifacts.y, tasks.x.outputs.artifacts.y or inputs.artifacts.z');
}
