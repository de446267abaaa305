/**
 * Argo's pod templates to strata leaves: `container` and `script` to a task, `containerSet`
 * to a pod whose containers form a dependency graph. Every text field is read for its tags
 * and written in strata's substitution (values.ts). A step's `outputs.result` is its
 * standard output (`result: stdout`).
 */
import { invalid, StrataError, type Problem } from '../errors/strata-error.ts';
import { findCycle } from '../flow/find-cycle.ts';
import { nulProblem } from '../flow/params-limits.ts';
import { filePathProblem } from '../flow/task-io-schema.ts';
import type { FlowNode, JsonValue, TaskSpec } from './target-types.ts';
import type { ArgoContainer, ArgoScript, ArgoTemplate } from './argo-document.ts';
import { inField, readField, readTags, type ArtifactSource, type Outputs, type Scope } from './scope.ts';
import { isRefused, literal, renderField, stepRef, type Path, type Value } from './values.ts';
import { ownVolumes, scratchVolumes } from './volumes.ts';
import { gather, gathered, throwGathered, type Gathered } from './argo-problems.ts';

/**
 * A script's source reaches its interpreter as a file, never as a shell line: this constant
 * program writes the source (from the environment) to a private temporary file and runs
 * the template's command and args with the file's path last, as Argo does.
 */
export const SCRIPT_RUNNER = 'f=$(mktemp) || exit 1; printf \'%s\' "$ARGO_SCRIPT_SOURCE" > "$f" || exit 1; "$@" "$f"; s=$?; rm -f "$f"; exit $s';
export const SCRIPT_ENV = 'ARGO_SCRIPT_SOURCE';
/** Characters a script's source may have: a task's environment value's limit (task-schema.ts). */
export const MAX_SCRIPT = 65_536;

type Field = string | { [op: string]: JsonValue };

/** The input artifact reference a task at `at` writes for `src`. */
export function artifactRef(src: ArtifactSource, at: Path): string {
  return 'unitInput' in src ? `:${src.unitInput}` : `${stepRef(at, src.step)}:${src.name}`;
}

/**
 * A field's value as the task writes it; a computed one (json-logic) says the template and
 * the field in its errors (`template say, container.command[1]: step build was skipped ...`),
 * as Argo names them, not the task field strata made of it (Argo tester 5, P9).
 */
function placedField(v: Field, place: string): Field {
  // No argument or environment value can carry a NUL (written, or in a value substituted
  // here): said at the template's field, not by Node when the step starts (Argo tester 7, R8).
  const nul = nulProblem(v, place);
  if (nul) throw new StrataError('invalid_document', `${place}: ${nul.message}`);
  // A value that is one placed expression already names a closer place (the expression, the output read).
  return typeof v === 'string' || 'where' in v ? v : ({ where: [place, v] } as Field);
}

function containerTask(c: ArgoContainer, scope: Scope, at: Path, kind: 'container' | 'script' = 'container'): TaskSpec {
  const where = `template ${scope.template}`;
  const field = (name: string) => (s: string, i?: number): Field => {
    const f = i === undefined ? name : `${name}[${i}]`;
    return placedField(inField(where, f, () => renderField(readTags(scope, s, `${where}, ${f}`), at)), `${where}, ${kind}.${f}`);
  };
  const task: TaskSpec = { image: field('image')(c.image) as TaskSpec['image'] };
  if (c.command) task.command = c.command.map((s, i) => field('command')(s, i));
  if (c.args) task.args = c.args.map((s, i) => field('args')(s, i));
  if (c.env) task.env = Object.fromEntries(c.env.map((e) => [e.name, field(`env(${e.name})`)(e.value ?? '')]));
  if (c.workingDir) task.workingDir = field('workingDir')(c.workingDir);
  const r = c.resources;
  if (r) {
    // An extended resource's request is its limit (checked equal in argo-document.ts): the limits say it.
    task.resources = { ...(r.requests?.cpu ? { cpu: r.requests.cpu } : {}), ...(r.requests?.memory ? { memory: r.requests.memory } : {}), ...(r.limits ? { limits: { ...r.limits } } : {}) };
  }
  return task;
}

/** The path given in place of one whose input is refused already: never used, the import fails with that problem. */
const REFUSED_PATH = '/refused';

/**
 * A file path of a template (`valueFrom.path`, an artifact's `path`) with its tags read, as
 * Argo substitutes them (Argo tester fault 10): strata places files before the program
 * starts, so the path must be known when the workflow is imported; one that depends on the
 * run (a workflow parameter, a step's output) is refused naming the field.
 */
function pathOf(p: string, scope: Scope, field: string): string {
  const v = readField(scope, `template ${scope.template}`, field, p);
  const lit = literal(v);
  // An input whose argument is refused already (said there): no second problem for it.
  if (lit === undefined && isRefused(v)) return REFUSED_PATH;
  if (lit === undefined) throw new StrataError('invalid_document', `template ${scope.template}, ${field}: "${p}" depends on the run (a workflow parameter or a step's output), but strata places a template's files before it starts: give the path as text, or as an input parameter given as text`);
  // Checked here, as substituted, so the problem names the output and the path, not strata's task fields (Argo tester 2, fault 7).
  const wrong = filePathProblem(lit);
  if (wrong) throw new StrataError('invalid_document', `template ${scope.template}, ${field}: "${p}" ${lit === p ? '' : `is "${lit}" once substituted, which `}${wrong}`);
  return lit;
}

/**
 * `fn` for each of `items`; a problem one throws (a StrataError naming its place) is gathered
 * in `problems` (argo-problems.ts gather: its place and words, at most MAX_PROBLEMS listed and
 * the rest counted, the limits it passed kept), and the rest go on; throwGathered says them all.
 */
function eachChecked<T>(items: T[], problems: Gathered, fn: (item: T) => void): void {
  for (const item of items) gather(problems, () => fn(item), () => undefined);
}

/** Inputs and outputs of a pod template (or a containerSet's main container) as task fields, and what the step gives its caller. */
function filesOf(t: ArgoTemplate, scope: Scope, at: Path, task: TaskSpec): Outputs {
  const inputs: Record<string, string | { from: string; path?: string; optional?: true }> = {};
  const problems = gathered();
  eachChecked(t.inputs?.artifacts ?? [], problems, (a) => {
    const src = scope.artifacts.get(a.name);
    if (!src) {
      if (a.optional) return;
      throw new StrataError('invalid_document', `template ${t.name}: input artifact "${a.name}" is given no artifact (arguments.artifacts with from)`);
    }
    const from = artifactRef(src, at);
    // Optional: every binding on its way, and this input, say so (Argo tester 3, N5).
    const optional = src.optional === true && a.optional === true;
    inputs[a.name] = a.path ? { from, path: pathOf(a.path, scope, `inputs.artifacts(${a.name}).path`), ...(optional ? { optional: true } : {}) } : optional ? { from, optional: true } : from;
  });
  if (Object.keys(inputs).length > 0) task.inputs = inputs as TaskSpec['inputs'];
  const outputs: Outputs = { result: [{ kind: 'result', step: at, path: [] }], parameters: new Map(), artifacts: new Map() };
  const parameters: Record<string, { path: string; default?: JsonValue; text: true }> = {};
  eachChecked(t.outputs?.parameters ?? [], problems, (p) => {
    const path = p.valueFrom?.path !== undefined ? pathOf(p.valueFrom.path, scope, `outputs.parameters(${p.name}).valueFrom.path`) : undefined;
    if (!path) throw new StrataError('invalid_document', `template ${t.name}: output parameter "${p.name}" of a pod template needs valueFrom.path`);
    // Argo takes off one trailing newline only (executor SaveParameters): the text form (Argo tester 3, N4).
    parameters[p.name] = { path, ...(p.valueFrom?.default !== undefined ? { default: outputDefault(p.valueFrom.default, scope, at, `template ${t.name}`, p.name) } : {}), text: true };
    outputs.parameters.set(p.name, [{ kind: 'output', step: at, name: p.name }]);
  });
  const artifacts: Array<{ name: string; path: string; optional?: boolean }> = [];
  eachChecked(t.outputs?.artifacts ?? [], problems, (a) => {
    if (!a.path) throw new StrataError('invalid_document', `template ${t.name}: output artifact "${a.name}" of a pod template needs a path`);
    // optional: the step ends well without it (Argo tester fault 9).
    artifacts.push({ name: a.name, path: pathOf(a.path, scope, `outputs.artifacts(${a.name}).path`), ...(a.optional ? { optional: true } : {}) });
    outputs.artifacts.set(a.name, { step: at, name: a.name });
  });
  throwGathered(problems);
  if (artifacts.length > 0 || Object.keys(parameters).length > 0) {
    task.outputs = { ...(artifacts.length > 0 ? { artifacts } : {}), ...(Object.keys(parameters).length > 0 ? { parameters } : {}) } as TaskSpec['outputs'];
  }
  return outputs;
}

/**
 * The paths `t` declares, by Argo's path placeholder (`inputs.artifacts.a.path`, PATH_TAG),
 * as its container reads them: Argo's substituteParams puts each set path in the template's
 * replace map (workflow/common/util.go). A path that cannot be read is left out here: filesOf()
 * refuses it, naming it.
 */
function declaredPaths(t: ArgoTemplate, scope: Scope): Map<string, string> {
  const paths = new Map<string, string>();
  const add = (tag: string, p: string | undefined, field: string) => {
    if (p === undefined || p === '') return;
    try {
      paths.set(tag, pathOf(p, scope, field));
    } catch (e) {
      if ((e as StrataError).code !== 'invalid_document') throw e;
    }
  };
  for (const a of t.inputs?.artifacts ?? []) add(`inputs.artifacts.${a.name}.path`, a.path, `inputs.artifacts(${a.name}).path`);
  for (const a of t.outputs?.artifacts ?? []) add(`outputs.artifacts.${a.name}.path`, a.path, `outputs.artifacts(${a.name}).path`);
  for (const p of t.outputs?.parameters ?? []) add(`outputs.parameters.${p.name}.path`, p.valueFrom?.path, `outputs.parameters(${p.name}).valueFrom.path`);
  return paths;
}

/** A `container` or `script` template as a task node at `at`. */
export function podTemplateNode(t: ArgoTemplate, outer: Scope, at: Path): { node: FlowNode; outputs: Outputs } {
  // Its fields may read its declared paths (Argo tester 7, R11); its files are read as before.
  const scope: Scope = { ...outer, paths: declaredPaths(t, outer) };
  let task: TaskSpec;
  if (t.script) {
    const s: ArgoScript = t.script;
    // The source travels in one environment value, which a task may give at most this long.
    if (s.source.length > MAX_SCRIPT) throw new StrataError('invalid_document', `template ${t.name}, script.source: the script has ${s.source.length} characters, more than the ${MAX_SCRIPT} a script may have (strata hands it to the interpreter in an environment value); put a longer program in the image or an input artifact`);
    const base = containerTask({ ...s, command: undefined, args: undefined }, scope, at, 'script');
    const field = (x: string): Field => placedField(inField(`template ${scope.template}`, 'script', () => renderField(readTags(scope, x, `template ${scope.template}, script`), at)), `template ${scope.template}, script`);
    task = {
      ...base,
      command: ['sh', '-c', SCRIPT_RUNNER, 'argo-script', ...(s.command ?? ['sh']).map(field), ...(s.args ?? []).map(field)] as TaskSpec['command'],
      env: { ...(base.env ?? {}), [SCRIPT_ENV]: field(s.source) } as TaskSpec['env'],
    };
  } else {
    task = containerTask(t.container!, scope, at);
  }
  // Its emptyDir mounts: a directory of its own at each path, empty at each execution, as Argo's emptyDir is one pod's (volumes.ts).
  const volumes = ownVolumes(t);
  if (volumes.length > 0) task.volumes = volumes;
  // Argo's outputs.result: the standard output as written, less one trailing newline.
  task.result = 'text';
  const outputs = filesOf(t, scope, at, task);
  return { node: { task }, outputs };
}

/** A `containerSet` as a pod: each container a task of a dependency graph; the step's result is the `main` container's. */
export function containerSetNode(t: ArgoTemplate, outer: Scope, at: Path): { node: FlowNode; outputs: Outputs } {
  const names = new Set(t.containerSet!.containers.map((c) => c.name));
  // Its inputs and outputs are its `main` container's: "inputs and outputs can only be loaded
  // and saved from a container named main" (Argo's docs/container-set-template.md; the wait
  // container reads them from main's file system), so they are main's task fields here.
  const files = !!(t.outputs?.parameters?.length || t.outputs?.artifacts?.length || t.inputs?.artifacts?.length);
  if (files && !names.has('main')) {
    throw new StrataError('invalid_document', `template ${t.name}: a containerSet's input artifacts and outputs are its container main's (as in Argo), and it has none: name the container that writes them main`);
  }
  // Its containers' fields may read its declared paths (`{{outputs.parameters.p.path}}`), as a pod template's.
  const scope: Scope = { ...outer, paths: declaredPaths(t, outer) };
  const nodes: Record<string, FlowNode> = {};
  // Every unknown name and a cycle are said together (Argo tester fault 16).
  const problems: Problem[] = [];
  for (const { name, dependencies } of t.containerSet!.containers) {
    for (const d of dependencies ?? []) if (!names.has(d)) problems.push({ path: `template ${t.name}, container ${name}`, message: `depends on "${d}", which is not in the containerSet` });
  }
  const cycle = findCycle([...names], new Map(t.containerSet!.containers.map((c) => [c.name, (c.dependencies ?? []).filter((d) => names.has(d))])));
  if (cycle) problems.push({ path: `template ${t.name}`, message: `its containers depend on each other in a cycle: ${cycle.join(' -> ')}` });
  if (problems.length > 0) throw invalid(problems);
  let given: Outputs = { result: [], parameters: new Map(), artifacts: new Map() };
  t.containerSet!.containers.forEach((c, k) => {
    const { name, dependencies, volumeMounts: _mounts, ...rest } = c;
    const task = containerTask(rest, scope, [...at, name]);
    task.result = 'text';
    // Its emptyDir mounts (its own and the containerSet's): the pod's scratch at each path (volumes.ts).
    const volumes = scratchVolumes(t, k);
    if (volumes.length > 0) task.volumes = volumes;
    if (name === 'main' && files) given = filesOf(t, scope, [...at, name], task);
    nodes[name] = { ...(dependencies?.length ? { dependsOn: dependencies } : {}), task };
  });
  const result: Value = names.has('main') ? [{ kind: 'result', step: at, path: ['main'] }] : [{ kind: 'result', step: at, path: [] }];
  // Its output parameters are the pod's own (pod.outputs.parameters: main's, resolved as the pod
  // ends), read by the steps after it as any step's; its artifacts are main's, read by path.
  const mainAt: Path = [...at, 'main'];
  const gives = Object.fromEntries([...given.parameters.keys()].map((n) => [n, renderField([{ kind: 'output', step: mainAt, name: n }], mainAt) as string]));
  const parameters = new Map([...given.parameters.keys()].map((n): [string, Value] => [n, [{ kind: 'output', step: at, name: n }]]));
  const pod: { flow: unknown; outputs?: { parameters?: Record<string, string>; exitCode?: string } } = { flow: { graph: { nodes } }, ...(parameters.size > 0 ? { outputs: { parameters: gives } } : {}) };
  // Its exit code is its main container's, as Argo's controller sets the pod node's
  // outputs.exitCode from the container named main (operator.go assessNodeStatus: getExitCode):
  // the pod's outputs.exitCode, added once a step reads it, so `{{steps.X.exitCode}}` reads the
  // pod step's own (none when main never ran), with no parameter the user did not write (issue 12).
  const exitCode = names.has('main')
    ? (): Value => {
        pod.outputs = { ...pod.outputs, exitCode: renderField([{ kind: 'exitCode', step: mainAt }], mainAt) as string };
        return [{ kind: 'exitCode', step: at }];
      }
    : 'its containerSet has no container named main, whose exit code Argo gives as the step\'s';
  return { node: { pod } as FlowNode, outputs: { result, parameters, artifacts: given.artifacts, exitCode } };
}

/**
 * An output parameter's `valueFrom.default` as the task's: its text, or, when it holds a tag
 * (`{{workflow.parameters.x}}`, `{{inputs.parameters.y}}`), a strata template the engine
 * resolves when the step starts (substitute.ts withDefaultsResolved), as Argo substitutes the
 * template's globals and inputs over it (Argo tester 7, R1). Text is escaped (`{{` kept).
 */
function outputDefault(text: string, scope: Scope, at: Path, where: string, name: string): string {
  if (!text.includes('{{')) return text;
  const rendered = renderField(readField(scope, where, `outputs.parameters(${name}).valueFrom.default`, text), at);
  if (typeof rendered !== 'string') throw new StrataError('invalid_document', `${where}, outputs.parameters(${name}).valueFrom.default: "${text}" needs a computed value, which an output parameter's default cannot be: give it as text with {{workflow.parameters.x}} or {{inputs.parameters.x}}`);
  return rendered;
}
