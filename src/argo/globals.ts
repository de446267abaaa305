/**
 * Argo's global parameters, `{{workflow.parameters.x}}`, across the units templateRefs
 * become (Argo tester 3, N22). In Argo a template reached by `templateRef` runs inside the
 * calling Workflow, and its `workflow.parameters` are that Workflow's: a WorkflowTemplate's
 * `spec.arguments` count only when it runs whole (`workflowTemplateRef`, `argo submit
 * --from`), merged under the Workflow's (argo-workflows workflow/validate/validate.go
 * ValidateWorkflow: the global scope is the Workflow's arguments, merged with the
 * WorkflowTemplate's only for a workflowTemplateRef; resolveAllVariables fails an
 * unresolved `workflow.parameters.x` unless a WorkflowTemplate is validated alone).
 *
 * So a unit flow holds no values of its own for them: each global it reads, itself or
 * through the units it uses, is a param of the unit named `workflow:x` (no Argo name holds
 * a `:`, so it never meets an input parameter), and every call passes it from the caller's
 * own: a Workflow's or an entry flow's param `x`, or the calling unit's `workflow:x`. A
 * caller that has no parameter `x` is refused naming the call, as Argo refuses it.
 *
 * Which globals a unit reads is known only once every unit is inlined (units call each
 * other, and themselves), so each call's `with` is recorded as it is written and filled
 * in by linkGlobals at the end of the import.
 */
import { addProblems, type Gathered } from './argo-problems.ts';
import type { FlowDocument, FlowNode, JsonValue } from './target-types.ts';
import { readLogic, renderLogic } from './values.ts';

const PREFIX = 'workflow:';

/**
 * The global that carries `{{workflow.name}}` into units (Argo tester 6, Q20): a name no
 * Argo parameter can have (`:`), so its param is `workflow::name`. In Argo a template
 * reached by templateRef runs inside the calling Workflow, whose `metadata.name` it reads
 * (operator.go setGlobalParameters), so every level of a run sees one name.
 */
export const WORKFLOW_NAME = ':name';

/** The json-logic of a run's Argo workflow name: `metadata.name`, or `generateName` and the run's id (`run.id`, the runtime's placeholder). */
export function workflowNameLogic(w: { name?: string; generateName?: string }): JsonValue {
  if (w.name) return w.name;
  return w.generateName ? { cat: [w.generateName, { var: 'run.id' }] } : { var: 'run.id' };
}

/**
 * The globals that carry `{{workflow.parameters.json}}` and `{{workflow.mainEntrypoint}}`
 * into units (params `workflow::json`, `workflow::mainEntrypoint`), as WORKFLOW_NAME does:
 * in Argo both are global parameters of the calling Workflow (operator.go setGlobalParameters).
 */
export const WORKFLOW_PARAMS_JSON = ':json';
export const MAIN_ENTRYPOINT = ':mainEntrypoint';

/**
 * `{{workflow.parameters.json}}` of a flow whose workflow parameters are `names` (in
 * `spec.arguments.parameters` order): Argo's json.Marshal of the Workflow's
 * `spec.arguments.parameters` (operator.go setGlobalParameters), a JSON list of
 * `{"name": …, "value": …}`, each value the run's text (`-p` given, else the document's),
 * as json-logic (`{"substr": [{"text": {"merge": [v]}}, 1, -1]}` is v as a JSON string).
 */
export function parametersJsonLogic(names: string[]): JsonValue {
  const parts: JsonValue[] = ['['];
  names.forEach((n, i) => {
    parts.push(`${i > 0 ? ',' : ''}{"name":${JSON.stringify(n)},"value":`, { substr: [{ text: { merge: [readLogic(['params', n])] } }, 1, -1] } as JsonValue, '}');
  });
  parts.push(']');
  return { cat: parts };
}

/** The unit param that carries global parameter `name`. */
export const globalParam = (name: string): string => `${PREFIX}${name}`;

/** The global parameters a registered unit takes: its params named `workflow:x`. */
export function globalsOfParams(params: Record<string, unknown> | undefined): Set<string> {
  return new Set(Object.keys(params ?? {}).filter(isGlobalParam).map((k) => k.slice(PREFIX.length)));
}

/**
 * The key in a unit's `read` set for `{{workflow.status}}` (`.duration`, `.failures`):
 * Argo validates a WorkflowTemplate template reading it (validate.go ValidateWorkflow
 * puts it among the global parameters) and gives it the calling run's outcome when an exit
 * handler runs the template (Argo tester 6, Q8). A unit takes it as its param
 * `workflow::status`; a call inside an exit handler passes the handler's own outcome, a call
 * from another unit passes that unit's on, and a call from a flow outside an exit handler
 * is refused. No Argo parameter name holds a `:`, so it never meets `workflow.parameters.status`.
 */
export const exitGlobal = (field: ExitField): string => `:${field}`;
export type ExitField = 'status' | 'duration' | 'failures';
const EXIT_FIELDS: readonly string[] = ['status', 'duration', 'failures'];
// Only the exit fields: `:name` (WORKFLOW_NAME) is a global of its own, given outside exit handlers too.
const exitFieldOf = (x: string): ExitField | undefined => (x.startsWith(':') && EXIT_FIELDS.includes(x.slice(1)) ? (x.slice(1) as ExitField) : undefined);

/** Whether a param of a unit is one of its global parameters (not an input parameter). */
export const isGlobalParam = (name: string): boolean => name.startsWith(PREFIX);

/** Where a scope's `{{workflow.parameters.x}}` comes from. */
export type Globals =
  /** the flow's own params (a Workflow's arguments, a WorkflowTemplate's entry flow's); `owner` names the document; `name`: its workflow name's json-logic (workflowNameLogic) */
  | { kind: 'flow'; names: Set<string>; owner: string; name?: JsonValue; args?: string[]; entrypoint?: string }
  /** a unit's: passed in by each caller; `read` gathers those the unit reads */
  | { kind: 'unit'; read: Set<string> };

/** The calls and units of one import, for linkGlobals. */
export interface GlobalLinks {
  /** each unit's globals by its ref: the set its inlining gathers, or a registered unit's */
  units: Map<string, Set<string>>;
  /** every call of a unit: its `with`, filled in at the end; `callee` says it in Argo's words */
  calls: Array<{ ref: string; callee: string; caller: Globals; with: Record<string, JsonValue>; where: string; inExit?: boolean }>;
  /** unit flows whose spec.params get their globals once known */
  flows: Array<{ flow: FlowDocument; read: Set<string> }>;
}

export const globalLinks = (): GlobalLinks => ({ units: new Map(), calls: [], flows: [] });

/**
 * Fills in every call's globals and every unit's params, once all are inlined: a unit reads
 * what it reads itself and what the units it calls read (to a fixed point: units call each
 * other and themselves); a call from a flow without the parameter is a problem in `g`.
 */
export function linkGlobals(links: GlobalLinks, g: Gathered): void {
  for (let changed = true; changed; ) {
    changed = false;
    for (const c of links.calls) {
      if (c.caller.kind !== 'unit') continue;
      for (const x of links.units.get(c.ref) ?? []) {
        if (c.caller.read.has(x) || (c.inExit && exitFieldOf(x))) continue;
        c.caller.read.add(x);
        changed = true;
      }
    }
  }
  for (const c of links.calls) {
    for (const x of [...(links.units.get(c.ref) ?? [])].sort()) {
      const field = exitFieldOf(x);
      if (field && c.inExit) c.with[globalParam(x)] = renderLogic([{ kind: 'exit', field }], []) as JsonValue;
      else if (field && c.caller.kind !== 'unit') {
        addProblems(g, [{
          path: c.where,
          message: `${c.callee} reads {{workflow.${field}}} (itself or in a template it calls), which is known only in an exit handler: call it from spec.onExit (or a template it calls), where it is the run's outcome, as in Argo`,
        }]);
      } else if (c.caller.kind === 'unit') c.with[globalParam(x)] = readLogic(['params', globalParam(x)]);
      // A flow that does not know its Argo name (one relinked at a run's start) gives the run's id, as a WorkflowTemplate run alone did.
      else if (x === WORKFLOW_NAME) c.with[globalParam(x)] = c.caller.name ?? workflowNameLogic({});
      // A workflow parameter named `json` is what Argo's `workflow.parameters.json` reads (it is set after the list).
      else if (x === WORKFLOW_PARAMS_JSON) c.with[globalParam(x)] = c.caller.names.has('json') ? readLogic(['params', 'json']) : parametersJsonLogic(c.caller.args ?? [...c.caller.names].filter((n) => !isGlobalParam(n) && !n.startsWith(':')));
      // A call relinked at a run's start keeps the entrypoint its import wrote (relink.ts keeps what a call passes).
      else if (x === MAIN_ENTRYPOINT && (c.caller.entrypoint !== undefined || c.caller.names.has(x))) c.with[globalParam(x)] = c.caller.entrypoint ?? null;
      else if (x === MAIN_ENTRYPOINT) {
        addProblems(g, [{ path: c.where, message: `${c.callee} reads {{workflow.mainEntrypoint}}, which ${c.caller.owner} as registered does not pass: apply it again so that it does` }]);
      }
      else if (c.caller.names.has(x)) c.with[globalParam(x)] = readLogic(['params', x]);
      else {
        addProblems(g, [{
          path: c.where,
          message: `${c.callee} reads {{workflow.parameters.${x}}} (itself or in a template it calls), and ${c.caller.owner} has no parameter "${x}" in spec.arguments.parameters: a template reached by templateRef reads the calling workflow's parameters, as in Argo, which fails to resolve it; declare it there`,
        }]);
      }
    }
  }
  for (const f of links.flows) {
    const params = (f.flow.spec.params ?? {}) as Record<string, JsonValue>;
    for (const x of [...f.read].sort()) params[globalParam(x)] = null;
    f.flow.spec.params = params;
  }
}

/** `node` and everything in it without the `with: {}` of calls that pass nothing (linkGlobals wrote every call's `with`). */
export function dropEmptyWith(node: FlowNode): void {
  const stack: unknown[] = [node];
  while (stack.length > 0) {
    const v = stack.pop();
    if (Array.isArray(v)) {
      for (const x of v) stack.push(x);
      continue;
    }
    if (!v || typeof v !== 'object') continue;
    const o = v as Record<string, unknown>;
    if (typeof o.use === 'string' && o.with && typeof o.with === 'object' && Object.keys(o.with).length === 0) delete o.with;
    for (const k of Object.keys(o)) if (typeof o[k] === 'object') stack.push(o[k]);
  }
}
