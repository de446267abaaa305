/** The registered flows Argo documents may need: those their templateRefs and workflowTemplateRefs name. */
import { flowName } from './import-argo.ts';
import { appendAll } from '../flow/append-all.ts';

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
