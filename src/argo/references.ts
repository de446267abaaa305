/** The registered flows Argo documents may need: those their templateRefs and workflowTemplateRefs name. */
import { flowName } from './import-argo.ts';
import { appendAll } from '../flow/append-all.ts';
import { SOURCE_DOCUMENT } from '../flow/task-schema.ts';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Flow names (`w.t` for templateRef `{ name: w, template: t }`, `w` for a
 * workflowTemplateRef) named anywhere in `docs`, for an edge to look up before importing.
 * Names that do not make flow names are left out (the import says why).
 */
export function referencedFlowNames(docs: unknown[]): string[] {
  const names = new Set<string>();
  const stack: unknown[] = [...docs];
  while (stack.length > 0) {
    const v = stack.pop();
    if (Array.isArray(v)) appendAll(stack, v);
    else if (isObj(v)) {
      const add = (n: string) => {
        try {
          names.add(flowName(n, ''));
        } catch {
          /* reported by the import */
        }
      };
      const t = v.templateRef;
      if (isObj(t) && typeof t.name === 'string' && typeof t.template === 'string') add(`${t.name}.${t.template}`);
      const w = v.workflowTemplateRef;
      if (isObj(w) && typeof w.name === 'string') add(w.name);
      appendAll(stack, Object.values(v));
    }
  }
  return [...names].sort();
}

/**
 * The registered flows `docs` need, by flow name, looked up with `versions` (the edge's
 * I/O): those their references name, and those named by the WorkflowTemplate documents the
 * found entry flows keep (SOURCE_DOCUMENT), which a Workflow's workflowTemplateRef joins
 * over and imports again (import-argo.ts joinedWorkflow). Each name is looked up once.
 */
export async function registeredFlows<F extends { metadata: object }>(docs: unknown[], versions: (name: string) => Promise<F[]>): Promise<Map<string, F[]>> {
  const found = new Map<string, F[]>();
  let pending = referencedFlowNames(docs);
  while (pending.length > 0) {
    const kept: unknown[] = [];
    for (const name of pending) {
      const flows = await versions(name);
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
