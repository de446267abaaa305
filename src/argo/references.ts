/** The registered flows Argo documents may need: those their templateRefs and workflowTemplateRefs name. */
import { flowName, unitFlowName, WORKFLOW_TEMPLATE } from './import-argo.ts';
import { appendAll } from '../flow/append-all.ts';
import { SOURCE_DOCUMENT } from '../flow/task-schema.ts';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Flow names (`w.t` for templateRef `{ name: w, template: t }`, `w` for a
 * workflowTemplateRef, and `w.e` for its spec's entrypoint `e`) named anywhere in `docs`, for an edge to look up before importing.
 * Names that do not make flow names are left out (the import says why).
 */
export function referencedFlowNames(docs: unknown[]): string[] {
  const names = new Set<string>();
  const stack: unknown[] = [...docs];
  while (stack.length > 0) {
    const v = stack.pop();
    if (Array.isArray(v)) appendAll(stack, v);
    else if (isObj(v)) {
      const add = (n: string, template?: string) => {
        try {
          names.add(template === undefined ? flowName(n, '') : unitFlowName(n, template, ''));
        } catch {
          /* reported by the import */
        }
      };
      const t = v.templateRef;
      if (isObj(t) && typeof t.name === 'string' && typeof t.template === 'string') add(t.name, t.template);
      const w = v.workflowTemplateRef;
      // And the unit of the Workflow's entrypoint, which keeps the document of a WorkflowTemplate registered without one.
      if (isObj(w) && typeof w.name === 'string') add(w.name);
      if (isObj(w) && typeof w.name === 'string' && typeof v.entrypoint === 'string') add(w.name, v.entrypoint);
      appendAll(stack, Object.values(v));
    }
  }
  return [...names].sort();
}

/** The flow names the WorkflowTemplates among `docs` register: `w` and `w.t` for each template (those that make flow names). */
export function madeFlowNames(docs: unknown[]): string[] {
  const names = new Set<string>();
  const add = (n: string, template?: string) => {
    try {
      names.add(template === undefined ? flowName(n, '') : unitFlowName(n, template, ''));
    } catch {
      /* reported by the import */
    }
  };
  for (const d of docs) {
    if (!isObj(d) || d.kind !== 'WorkflowTemplate' || !isObj(d.metadata) || typeof d.metadata.name !== 'string' || !isObj(d.spec)) continue;
    const w = d.metadata.name;
    add(w);
    for (const t of Array.isArray(d.spec.templates) ? d.spec.templates : []) if (isObj(t) && typeof t.name === 'string') add(w, t.name);
  }
  return [...names].sort();
}

/**
 * The registered flows `docs` need, by flow name, looked up with `versions` (the edge's
 * I/O): those their references name, and those named by the WorkflowTemplate documents the
 * found entry flows (or units, of one without an entrypoint) keep (SOURCE_DOCUMENT), which a Workflow's workflowTemplateRef joins
 * over and imports again (import-argo.ts joinedWorkflow). Each name is looked up once, a
 * level's names at the same time.
 */
export async function registeredFlows<F extends { metadata: object }>(docs: unknown[], versions: (name: string) => Promise<F[]>): Promise<Map<string, F[]>> {
  const found = new Map<string, F[]>();
  // And the names the documents' WorkflowTemplates register, which another WorkflowTemplate may hold (name-clash.ts).
  let pending = [...new Set([...referencedFlowNames(docs), ...madeFlowNames(docs)])];
  while (pending.length > 0) {
    const kept: unknown[] = [];
    // The names of one level are looked up together; the next level is what they keep.
    const looked = await Promise.all(pending.map(async (name) => [name, await versions(name)] as const));
    for (const [name, flows] of looked) {
      found.set(name, flows);
      for (const f of flows) {
        const text = (f.metadata as { annotations?: Record<string, string> }).annotations?.[SOURCE_DOCUMENT];
        if (text === undefined) continue;
        try {
          kept.push(JSON.parse(text));
        } catch {
          /* refused by the import, which reads it again */
        }
      }
    }
    pending = referencedFlowNames(kept).filter((n) => !found.has(n));
  }
  return found;
}

/** A flow name's registered versions (each with its metadata), as an edge reads them. */
type Versions = (name: string) => Promise<Array<{ metadata: object }>>;

/**
 * The flows of WorkflowTemplate `name`'s templates (`name.t`), sorted, when it was applied
 * without an entrypoint (no flow `name` of its own; issue 12): found among the registered flow
 * names `names` gives (one listing) and told from other flows of that prefix by the
 * WORKFLOW_TEMPLATE annotation of the first one's versions; [] when it has none.
 */
export async function libraryUnits(name: string, names: () => Promise<string[]>, versions: Versions): Promise<string[]> {
  const units = (await names()).filter((n) => n.startsWith(`${name}.`)).sort();
  if (units.length === 0) return [];
  const one = await versions(units[0]);
  return one.some((v) => (v.metadata as { annotations?: Record<string, string> }).annotations?.[WORKFLOW_TEMPLATE] === name) ? units : [];
}

/**
 * For each Workflow among `docs` whose workflowTemplateRef names a WorkflowTemplate that is
 * neither among `docs` nor in `registered` with a flow of its own or of the Workflow's
 * entrypoint: that WorkflowTemplate's template flows (libraryUnits), by its name, which the
 * import names when it refuses the Workflow (issue 12). Listed only then, once.
 */
export async function libraryListings(docs: unknown[], registered: ReadonlyMap<string, unknown[]>, names: () => Promise<string[]>, versions: Versions): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  const made = new Set(madeFlowNames(docs));
  let listed: Promise<string[]> | undefined;
  const once = () => (listed ??= names());
  for (const d of docs) {
    const spec = isObj(d) && isObj(d.spec) ? d.spec : undefined;
    const w = spec && isObj(spec.workflowTemplateRef) ? spec.workflowTemplateRef.name : undefined;
    if (typeof w !== 'string' || typeof spec!.entrypoint !== 'string' || out.has(w)) continue;
    let own: string;
    let entry: string;
    try {
      own = flowName(w, '');
      entry = unitFlowName(w, spec!.entrypoint, '');
    } catch {
      continue; // reported by the import
    }
    if (made.has(own) || (registered.get(own)?.length ?? 0) > 0 || (registered.get(entry)?.length ?? 0) > 0) continue;
    out.set(w, await libraryUnits(w, once, versions));
  }
  return out;
}
