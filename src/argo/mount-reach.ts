/**
 * Which workflow volumes a template mounts, itself or through the templates it calls by
 * `template` (volumes.ts workflowMounts), for every template of a document at once. A walk
 * from each template over all it calls cost O(templates²) for a WorkflowTemplate, whose every
 * template is a unit with its own answer: a chain of 1,000 templates took 0.4 s and 0.6 s of
 * garbage collection in the importer before it was refused for its depth. Here each volume is
 * followed back from the templates that mount it, once (a breadth-first search over the
 * callers, which also ends on recursive templates): O(volumes × (templates + calls)), and the
 * answer for one template is read off. Pure.
 */
import type { ArgoDocument, ArgoTemplate } from './argo-document.ts';

/** A mount of a volume its template does not declare, with its place in the template. */
export type OpenMount = { volume: string; at: string };

/** For each template of a document, each workflow volume it reaches: the template and place of the mount nearest it. */
export interface MountReach {
  /** volume name -> (template name -> the mount it reaches: its template and place) */
  readonly byVolume: ReadonlyMap<string, ReadonlyMap<string, { template: string; at: string }>>;
}

/** The templates `t` calls by `template`, that the document has. */
export function calledBy(t: ArgoTemplate, templates: ReadonlyMap<string, ArgoTemplate>): string[] {
  const out: string[] = [];
  for (const s of [...(t.steps ?? []).flat(), ...(t.dag?.tasks ?? [])]) if (s.template !== undefined && templates.has(s.template)) out.push(s.template);
  return out;
}

/**
 * The reach of every template of `templates` (by name), given each one's mounts of volumes it
 * does not declare (`open`, in the template's order). A volume's mounts are followed back
 * through the callers breadth first, the mounting templates taken in the document's order: a
 * template reaches the mount fewest calls away, the first in the document among equals.
 */
export function mountReach(templates: ReadonlyMap<string, ArgoTemplate>, open: (t: ArgoTemplate) => OpenMount[]): MountReach {
  const callers = new Map<string, string[]>();
  const sources = new Map<string, Array<{ template: string; at: string }>>();
  for (const t of templates.values()) {
    for (const c of calledBy(t, templates)) {
      const list = callers.get(c);
      if (list) list.push(t.name);
      else callers.set(c, [t.name]);
    }
    const seen = new Set<string>();
    for (const m of open(t)) {
      if (seen.has(m.volume)) continue; // a template's first mount of a volume is the one named
      seen.add(m.volume);
      const list = sources.get(m.volume);
      if (list) list.push({ template: t.name, at: m.at });
      else sources.set(m.volume, [{ template: t.name, at: m.at }]);
    }
  }
  const byVolume = new Map<string, Map<string, { template: string; at: string }>>();
  for (const [volume, mounts] of sources) {
    const reached = new Map<string, { template: string; at: string }>();
    const queue: string[] = [];
    for (const m of mounts) {
      if (reached.has(m.template)) continue;
      reached.set(m.template, m);
      queue.push(m.template);
    }
    for (let i = 0; i < queue.length; i++) {
      const site = reached.get(queue[i]!)!;
      for (const caller of callers.get(queue[i]!) ?? []) {
        if (reached.has(caller)) continue;
        reached.set(caller, site);
        queue.push(caller);
      }
    }
    byVolume.set(volume, reached);
  }
  return { byVolume };
}

/** The reach of document `doc`'s templates, made once a document (it is read, never changed, while imported). */
const made = new WeakMap<ArgoDocument, MountReach>();

/** mountReach of `doc`, kept for the document's later questions. */
export function documentReach(doc: ArgoDocument, open: (t: ArgoTemplate) => OpenMount[]): MountReach {
  let r = made.get(doc);
  if (!r) made.set(doc, (r = mountReach(new Map((doc.spec.templates ?? []).map((t) => [t.name, t])), open)));
  return r;
}
