/**
 * Argo references resolved when a run starts (Argo tester 5, P2). In Argo a `templateRef`
 * (and a `workflowTemplateRef`) is resolved when the workflow runs, from the
 * WorkflowTemplate as it is then (workflow/templateresolution/context.go GetTemplateFromRef),
 * however deep: a WorkflowTemplate whose template calls another reaches that one's latest
 * edit without being applied again. The importer writes each reference as `use:
 * w.t@<version>`, the version applied last when the calling document was imported; a run
 * takes the version applied last when it starts instead (`relinkedUses`), for every `use`
 * written by the importer (in a flow made from an Argo document) to a flow made from a
 * WorkflowTemplate. A strata flow's own `use: name@version` means the version it names
 * (DESIGN.md: registered flows are immutable per version).
 *
 * A newer template may read workflow parameters the older did not, so the globals every
 * Argo flow of the run passes down (globals.ts) are linked again over the flows the run
 * uses: each unit's own reads, then linkGlobals as at import. Pure: the caller loads the flows.
 */
import { gathered, throwGathered } from './argo-problems.ts';
import { globalLinks, globalParam, globalsOfParams, isGlobalParam, linkGlobals, type Globals } from './globals.ts';
import { TEMPLATE, WORKFLOW_TEMPLATE, WORKFLOW_UNIT } from './import-argo.ts';
import { argoLabel, argoPlace } from './argo-places.ts';
import type { FlowDocument, FlowNode, JsonValue } from '../flow/types.ts';

type Annotated = { metadata: { name: string; version: string; annotations?: Record<string, string> } };
const annotationsOf = (f: Annotated): Record<string, string> => f.metadata.annotations ?? {};
const refOf = (f: Annotated): string => `${f.metadata.name}@${f.metadata.version}`;

/** Whether a flow is one a WorkflowTemplate registered (a reference to it means the version applied last). */
export const madeFromWorkflowTemplate = (f: Annotated): boolean => WORKFLOW_TEMPLATE in annotationsOf(f);

/** Whether `candidate` is the same WorkflowTemplate's same template (or entry flow) as `f`, in another version. */
export const sameTemplate = (f: Annotated, candidate: Annotated): boolean =>
  annotationsOf(candidate)[WORKFLOW_TEMPLATE] === annotationsOf(f)[WORKFLOW_TEMPLATE] && annotationsOf(candidate)[TEMPLATE] === annotationsOf(f)[TEMPLATE];

/** A unit flow (called with the caller's globals as `workflow:x`), not a flow whose globals are its own params. */
const isUnit = (f: Annotated): boolean => TEMPLATE in annotationsOf(f) || WORKFLOW_UNIT in annotationsOf(f);

/** How an Argo reference to `f` is said in a problem. */
function callee(f: Annotated): string {
  const a = annotationsOf(f);
  if (a[WORKFLOW_UNIT]) return `template ${f.metadata.name.slice(f.metadata.name.indexOf('.') + 1)}`;
  return a[TEMPLATE] ? `templateRef ${a[WORKFLOW_TEMPLATE]}/${a[TEMPLATE]}` : `workflowTemplateRef ${a[WORKFLOW_TEMPLATE]}`;
}

/** Every `use` node beneath a flow's root and exit handler, with its path. */
function useNodesOf(spec: { root: FlowNode; onExit?: FlowNode }): Array<{ node: FlowNode & { use: string; with?: Record<string, JsonValue> }; path: string }> {
  const out: Array<{ node: FlowNode & { use: string; with?: Record<string, JsonValue> }; path: string }> = [];
  const stack: Array<[unknown, string]> = [[spec.root, 'spec.root'], [spec.onExit, 'spec.onExit']];
  while (stack.length > 0) {
    const [v, p] = stack.pop()!;
    if (Array.isArray(v)) v.forEach((x, i) => stack.push([x, `${p}[${i}]`]));
    else if (v && typeof v === 'object') {
      const o = v as Record<string, unknown>;
      if (typeof o.use === 'string') out.push({ node: o as never, path: p });
      for (const k of Object.keys(o)) if (k !== 'with' && o[k] && typeof o[k] === 'object') stack.push([o[k], `${p}.${k}`]);
    }
  }
  return out;
}

/**
 * Each `workflow:x` written in a flow's text, at every place it starts (a lookahead, so one
 * inside another is found too): `x` is the longest name there, as a name ends where a
 * character an Argo name may hold does not follow (`:` first for strata's own, `workflow::name`).
 */
const GLOBAL_READ = new RegExp(`(?=${globalParam('')}(:?[A-Za-z0-9_.-]*))`, 'g');

/** The globals a unit reads itself: its `workflow:x` params still named once the calls passing them on are left out. */
function ownReads(unit: FlowDocument): Set<string> {
  const spec = structuredClone({ ...unit.spec, params: undefined });
  for (const { node } of useNodesOf(spec)) {
    for (const k of Object.keys(node.with ?? {})) if (isGlobalParam(k)) delete node.with![k];
  }
  const named = new Set([...JSON.stringify(spec).matchAll(GLOBAL_READ)].map((m) => m[1]));
  return new Set([...globalsOfParams(unit.spec.params)].filter((x) => named.has(x)));
}

/**
 * The run's flow and the flows it uses, with every `use` turned to the version applied last
 * (`current`: written ref -> the ref to run; loaded by the caller) and the globals linked
 * again over them: each call of a unit made from an Argo document passes the `workflow:x`
 * its unit now reads (itself or through the units it calls), from the caller's own
 * `workflow:x` (a unit) or param `x` (any other flow: a Workflow's, an entry flow, a
 * strata flow), and no longer passes those it does not read; what a call passes already is
 * kept as written. A use of `pinned` in `root` stays as written. The inputs are not changed; when `current` changes nothing they come
 * back as they are. A caller without a parameter a newer template reads is refused
 * (`invalid_document`), naming the call and the parameter, as Argo fails to resolve it.
 * `request`: `root` is a request by name's wrapper (flow-from-body.ts), which no use reaches:
 * a unit of its ref is the registered flow.
 */
export function relinkedUses(root: FlowDocument, units: Map<string, FlowDocument>, current: Map<string, string>, pinned?: string, request = false): { root: FlowDocument; units: Map<string, FlowDocument> } {
  if (current.size === 0) return { root, units };
  const newRoot = structuredClone(root);
  const rootRef = request ? undefined : refOf(root);
  // The run's own flow used again (recursion) is the same copy.
  const copies = new Map<string, FlowDocument>([...units].map(([r, f]) => [r, r === rootRef ? newRoot : structuredClone(f)]));
  const flows = [newRoot, ...[...copies.values()].filter((f) => f !== newRoot)];

  const links = globalLinks();
  const unitGlobals = new Map<FlowDocument, Set<string>>();
  for (const f of flows) {
    if (!isUnit(f)) continue;
    const read = ownReads(f);
    unitGlobals.set(f, read);
    links.units.set(refOf(f), read);
    const params = { ...(f.spec.params ?? {}) };
    for (const k of Object.keys(params)) if (isGlobalParam(k)) delete params[k];
    f.spec.params = params;
    links.flows.push({ flow: f as never, read });
  }
  const filled: Array<{ node: { with?: Record<string, JsonValue> }; fresh: Record<string, JsonValue> }> = [];
  for (const f of flows) {
    const params = Object.keys(f.spec.params ?? {}).filter((k) => !isGlobalParam(k));
    for (const { node, path } of useNodesOf(f.spec)) {
      if (f !== newRoot || node.use !== pinned) node.use = current.get(node.use) ?? node.use;
      const target = copies.get(node.use) ?? (node.use === rootRef ? newRoot : undefined);
      if (!target || !unitGlobals.has(target)) continue;
      const passed = Object.keys(node.with ?? {}).filter(isGlobalParam).map((k) => k.slice(globalParam('').length));
      // A flow's globals are its params (and what this call passes as written already).
      const caller: Globals = unitGlobals.has(f) ? { kind: 'unit', read: unitGlobals.get(f)! } : { kind: 'flow', names: new Set([...params, ...passed]), owner: argoLabel(f) };
      const fresh: Record<string, JsonValue> = {};
      filled.push({ node, fresh });
      links.calls.push({ ref: node.use, callee: callee(target), caller, with: fresh, where: `${argoLabel(f)}, ${argoPlace(path) ?? path}`, inExit: /(^|\.)onExit(\.|\[|$)/.test(path) });
    }
  }
  const g = gathered();
  linkGlobals(links, g);
  throwGathered(g);
  for (const { node, fresh } of filled) {
    const withs: Record<string, JsonValue> = {};
    for (const [k, v] of Object.entries(node.with ?? {})) if (!isGlobalParam(k) || k in fresh) withs[k] = v;
    for (const [k, v] of Object.entries(fresh)) if (!(k in withs)) withs[k] = v;
    if (Object.keys(withs).length > 0) node.with = withs;
    else delete node.with;
  }
  return { root: newRoot, units: copies };
}
