/**
 * A WorkflowTemplate is one object in Argo (`argo template delete W` removes it whole), but
 * strata registers it as several flows: a unit `w.t@argo-<digest>` per template and, with an
 * entrypoint, the entry flow `w@argo-<digest>`, all annotated with W's name and one version
 * (import-argo.ts). Deleting a flow name therefore means, for flows made from a
 * WorkflowTemplate (Argo tester 2, fault 10):
 *
 * - the entry flow `w` (or `w@v`), or W's name when W has no entry flow: every flow of W
 *   (at `v`), units included, so no unit of a deleted WorkflowTemplate stays callable;
 * - one unit alone while other flows of its WorkflowTemplate version are registered:
 *   refused, naming them, since the unit's older version would become current beside the
 *   other templates' newer ones and runs would mix versions.
 *
 * Pure: takes the registered flows, returns what to delete.
 */
import { TEMPLATE, WORKFLOW_TEMPLATE } from './import-argo.ts';

interface Registered {
  metadata: { name: string; version: string; annotations?: Record<string, string> };
}

/** What deleting `name` (every version, or `version`) deletes: `refs` (`name@version`), or why it is refused. */
export interface DeletionGroup {
  /** the flows to delete, `name@version`, the named flow's own first; empty when nothing is named so */
  refs: string[];
  /** set when the delete is refused: a sentence naming the flows it must go with */
  refused?: string;
}

const refOf = (f: Registered): string => `${f.metadata.name}@${f.metadata.version}`;
const templateOf = (f: Registered): string | undefined => f.metadata.annotations?.[WORKFLOW_TEMPLATE];

/** The flows deleted with `name` (at `version`, or every version) among `all` registered flows. */
export function deletionGroup(all: Registered[], name: string, version?: string): DeletionGroup {
  const at = (f: Registered) => version === undefined || f.metadata.version === version;
  const named = all.filter((f) => f.metadata.name === name && at(f));
  // The name of a WorkflowTemplate means it, never another WorkflowTemplate's template whose flow bears the same name
  // (`a.b` of WorkflowTemplate a, beside WorkflowTemplate a.b, registered before such pairs were refused: Argo tester 6, Q4).
  const own = named.some((f) => templateOf(f) === name) ? named.filter((f) => templateOf(f) === name || templateOf(f) === undefined) : named;
  const ofTemplate = (w: string, v: string) => all.filter((f) => templateOf(f) === w && f.metadata.version === v).sort((a, b) => (refOf(a) < refOf(b) ? -1 : 1));
  if (own.length === 0) {
    // A WorkflowTemplate without an entrypoint has no flow of its own name: its units are it.
    return { refs: all.filter((f) => templateOf(f) === name && at(f)).map(refOf).sort() };
  }
  const refs = new Set<string>();
  const refusals: string[] = [];
  for (const f of own) {
    const w = templateOf(f);
    refs.add(refOf(f));
    if (w === undefined) continue;
    const others = ofTemplate(w, f.metadata.version).filter((g) => g !== f);
    if (f.metadata.annotations?.[TEMPLATE] === undefined) others.forEach((g) => refs.add(refOf(g)));
    else if (others.length > 0) {
      const whole = `${w}@${f.metadata.version}`;
      refusals.push(`${refOf(f)} is template ${f.metadata.annotations[TEMPLATE]} of WorkflowTemplate ${w}, registered with ${others.map(refOf).join(', ')}; a WorkflowTemplate is deleted whole: strata flows delete ${whole} (DELETE /v1/flows/${w}/${f.metadata.version}), or ${w} for every version`);
    }
  }
  return refusals.length > 0 ? { refs: [...refs], refused: refusals.join('; ') } : { refs: [...refs] };
}
