/**
 * Problems found in an imported flow (when it is checked or compiled) said in Argo's words:
 * strata's place (`spec.root.graph.nodes.a.fanOut.over`) becomes the Argo step and field it
 * came from (`step a, withItems/withParam/withSequence`), strata's place kept in brackets.
 * Step names are the Argo step and task names (the importer keeps them as node keys).
 */
import { invalid, limitsOf, moreProblemsOf, StrataError, type Problem } from '../errors/strata-error.ts';
import { TEMPLATE, WORKFLOW_TEMPLATE, WORKFLOW_UNIT } from './import-argo.ts';

/** The Argo step path and field a strata path of an imported flow stands for, or undefined when it names no step. */
export function argoPlace(path: string, message = ''): string | undefined {
  const steps = [...path.matchAll(/\.nodes\.([^.()]+)/g)].map((m) => m[1]);
  if (steps.length === 0) return undefined;
  const field = /fanOut\.over$/.test(path)
    ? 'withItems/withParam/withSequence'
    : /\.when$/.test(path)
      ? 'when'
      : /\.use$/.test(path)
        ? /cycle|nested more than/.test(message) ? 'template (a template calling itself)' : 'template (templateRef)'
        : /\.task\.(command|args|env|image|workingDir)/.exec(path)?.[1];
  return `step ${steps.join('/')}${field ? `, ${field}` : ''}`;
}

/** How problems name an imported flow: its Workflow, or its WorkflowTemplate or Workflow and template. */
export function argoLabel(flow: { metadata: { name: string; annotations?: Record<string, string> } }): string {
  const of = flow.metadata.annotations?.[WORKFLOW_UNIT];
  const wft = flow.metadata.annotations?.[WORKFLOW_TEMPLATE];
  if (wft) return `WorkflowTemplate ${wft}${flow.metadata.annotations?.[TEMPLATE] ? `, template ${flow.metadata.annotations[TEMPLATE]}` : ''}`;
  const dot = flow.metadata.name.indexOf('.');
  if (of) return `Workflow ${of}, template ${flow.metadata.name.slice(dot + 1)}`;
  return dot > 0 ? `WorkflowTemplate ${flow.metadata.name.slice(0, dot)}, template ${flow.metadata.name.slice(dot + 1)}` : `Workflow ${flow.metadata.name}`;
}

/** `e` with each problem's place said as the Argo step of Workflow `label`, as invalid() says problems (code and details kept); other errors as they are. */
export function inArgoWords(e: unknown, label: string): unknown {
  const err = e as StrataError;
  if (!(err instanceof Error) || typeof err.code !== 'string') return e;
  const problems: Problem[] = err.details?.problems ?? [];
  const places = problems.map((p) => argoPlace(p.path, p.message));
  if (places.every((p) => p === undefined)) return e;
  const said = problems.map((p, i) => ({ ...p, path: places[i] ? `${label}, ${places[i]} [${p.path}]` : p.path, message: p.message }));
  // Said as every refusal is (invalid()): a problem a line, those only counted said as
  // `... and N more problems`, their limits kept (they were joined by `; ` and the count left out).
  const again = invalid(said, err.code, moreProblemsOf(err), limitsOf(err));
  return new StrataError(err.code, again.message, { ...err.details, ...again.details });
}
