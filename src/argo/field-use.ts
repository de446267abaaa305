/**
 * Fields of parameters and artifacts that Argo's shared `Parameter` and `Artifact` types
 * allow everywhere but that mean nothing, or something strata does not do, where they are
 * written (Argo tester 3, N5: `optional` on an argument was dropped). One schema serves
 * every place (argo-document.ts), so each place's unused fields are named here, by the
 * template, the list and the entry, instead of being dropped: docs/argo.md promises that
 * nothing is. Argo's own validation refuses most of them too (workflow/validate/validate.go:
 * `from` in inputs, `path` on a steps or dag template's inputs, valueFrom on arguments
 * other than config maps and supplied values).
 */
import type { Problem } from '../errors/strata-error.ts';
import type { ArgoArtifact, ArgoParameter, ArgoTemplate } from './argo-document.ts';

type Entry = ArgoParameter | ArgoArtifact;

/** A problem for each of `fields` set on an entry of `list` (at `path`), saying `why`. */
function unused<T extends Entry>(list: T[] | undefined, path: string, fields: Array<keyof T & string>, why: (field: string) => string, problems: Problem[]): void {
  (list ?? []).forEach((e, i) => {
    for (const f of fields) {
      if (e[f] !== undefined) problems.push({ path: `${path}[${i}](${e.name}).${f}`, message: why(f) });
    }
  });
}

/** Parameter and artifact fields of template `t` (at `at`, `spec.templates[i](name)`) that strata would not use there. */
export function fieldUseProblems(t: ArgoTemplate, at: string): Problem[] {
  const problems: Problem[] = [];
  const composite = t.steps !== undefined || t.dag !== undefined;
  const kind = composite ? 'a steps or dag template' : 'a pod template';
  unused(t.inputs?.parameters, `${at}.inputs.parameters`, ['valueFrom'], () => 'an input parameter takes its value from the caller\'s arguments, its default or value; valueFrom (config maps, supplied values) is not supported', problems);
  unused(t.inputs?.artifacts, `${at}.inputs.artifacts`, ['from'], () => 'an input artifact is given by the caller\'s arguments.artifacts (from there), not by from here (Argo refuses it too)', problems);
  if (composite) unused(t.inputs?.artifacts, `${at}.inputs.artifacts`, ['path'], () => 'only a container or script template puts an input artifact at a path (Argo refuses it too); give the path where it is used', problems);
  unused(t.outputs?.parameters, `${at}.outputs.parameters`, ['value', 'default'], (f) => `an output parameter's ${f} is not read; its value comes from valueFrom (${composite ? 'parameter' : 'path'}), its fallback from valueFrom.default`, problems);
  (t.outputs?.parameters ?? []).forEach((p, i) => {
    const wrong = composite ? 'path' : 'parameter';
    if (p.valueFrom?.[wrong] !== undefined) problems.push({ path: `${at}.outputs.parameters[${i}](${p.name}).valueFrom.${wrong}`, message: `${kind}'s output parameter comes from valueFrom.${composite ? 'parameter' : 'path'}, not ${wrong}` });
  });
  unused(t.outputs?.artifacts, `${at}.outputs.artifacts`, [composite ? 'path' : 'from'], (f) => `${kind}'s output artifact comes from ${composite ? 'from (a step\'s artifact)' : 'path (a file the container writes)'}, not ${f}`, problems);
  const calls = [...(t.steps ?? []).flatMap((g, gi) => g.map((s, si) => ({ s, where: `${at}.steps[${gi}][${si}](${s.name})` }))), ...(t.dag?.tasks ?? []).map((s, si) => ({ s, where: `${at}.dag.tasks[${si}](${s.name})` }))];
  for (const { s, where } of calls) {
    unused(s.arguments?.parameters, `${where}.arguments.parameters`, ['valueFrom'], () => 'an argument parameter is given by value; valueFrom (config maps, supplied values) is not supported', problems);
    unused(s.arguments?.artifacts, `${where}.arguments.artifacts`, ['path'], () => 'an argument artifact is said by its from; where it is put is the called template\'s inputs.artifacts path', problems);
  }
  return problems;
}
