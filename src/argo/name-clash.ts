/**
 * Flow names two WorkflowTemplates would share (Argo tester 6, Q4). A WorkflowTemplate W
 * registers its entry flow as `w` and each template T as `w.t` (import-argo.ts); a
 * WorkflowTemplate's name may hold a dot (a Kubernetes object name) where a template's may
 * not, so WorkflowTemplate `a.b` and template `b` of WorkflowTemplate `a` make the same flow
 * name `a.b`, as do `a.b`'s template `c` and WorkflowTemplate `a.b.c`. Registered side by
 * side, one hid the other (a reference follows the name's latest version) and deleting one
 * deleted both; in Argo they are separate objects. Such a pair is refused when the second
 * one is imported, naming both, before anything is stored. Pure: the caller gives the
 * registered versions of each name.
 */
import type { Problem } from '../errors/strata-error.ts';

type Annotated = { metadata: { name: string; version: string; annotations?: Record<string, string> } };

/** What made a flow from a WorkflowTemplate: its entrypoint (no template) or one of its templates. */
interface Maker {
  workflowTemplate: string;
  template?: string;
}

/** What made a flow, read from its annotations, or undefined for a flow no WorkflowTemplate made. */
function madeBy(f: Annotated, keys: { workflowTemplate: string; template: string }): Maker | undefined {
  const a = f.metadata.annotations ?? {};
  const w = a[keys.workflowTemplate];
  return w === undefined ? undefined : { workflowTemplate: w, template: a[keys.template] };
}

const sameMaker = (a: Maker, b: Maker): boolean => a.workflowTemplate === b.workflowTemplate && a.template === b.template;
/** A maker as a problem's place: `WorkflowTemplate a.b`, `template b of WorkflowTemplate a`. */
const placeOf = (m: Maker): string => (m.template === undefined ? `WorkflowTemplate ${m.workflowTemplate}` : `template ${m.template} of WorkflowTemplate ${m.workflowTemplate}`);
/** A maker in Argo's words, the entrypoint said so. */
const said = (m: Maker): string => (m.template === undefined ? `${placeOf(m)} (its entrypoint)` : placeOf(m));

/**
 * The problems of `made` (the flows an import registers) whose flow name another
 * WorkflowTemplate's template or entry flow has, among `made` or `registered(name)` (every
 * version). The same template's other versions are no clash.
 */
export function nameClashes(made: Annotated[], registered: (name: string) => Annotated[], keys: { workflowTemplate: string; template: string }): Problem[] {
  const first = new Map<string, Maker>();
  const problems: Problem[] = [];
  for (const f of made) {
    const mine = madeBy(f, keys);
    if (mine === undefined) continue;
    const name = f.metadata.name;
    const given = first.get(name);
    const other = given !== undefined && !sameMaker(given, mine) ? { who: given, where: 'given with it' } : undefined;
    const held = registered(name).map((g) => madeBy(g, keys)).find((w) => w !== undefined && !sameMaker(w, mine));
    first.set(name, given ?? mine);
    const clash = other ?? (held !== undefined ? { who: held, where: 'registered' } : undefined);
    if (!clash) continue;
    problems.push({
      path: placeOf(mine),
      message: `${said(mine)} makes the flow name "${name}", which ${said(clash.who)}, ${clash.where}, makes too: strata names a template's flow <WorkflowTemplate>.<template>, so a WorkflowTemplate whose name holds a dot can meet another's template; rename one of them${clash.where === 'registered' ? ` (or delete the registered one: strata flows delete ${clash.who.workflowTemplate})` : ''}`,
    });
  }
  return problems;
}
