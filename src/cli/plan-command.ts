/** `strata plan FILE... [--dry-run] [--format json|dot|mermaid]` */
import { StrataError } from '../errors/strata-error.ts';
import { dryRunOrder } from '../engine/dry-run.ts';
import { compileFlow } from '../plan/compile.ts';
import { toPlanDocument } from '../plan/plan-document.ts';
import { renderDot, renderMermaid } from '../plan/render.ts';
import { flowsOf, readDocuments } from './local-flows.ts';
import { GENERATORS, GENERATOR_NAMES } from '../../generators/index.ts';
import { validateDataset } from '../dataset/dataset-document.ts';
import { MemoryFlowRegistry } from '../plan/flow-registry.ts';
import { validateRule } from '../rules/rule-document.ts';
import { planDataset } from '../service/plan-dataset.ts';
import { loadBuiltinRules } from '../store/builtin-rules.ts';

export interface PlanOptions {
  format?: string;
  dryRun?: boolean;
  flow?: string;
  /** `-p key=value`: over the flow's own parameters */
  param?: Record<string, unknown>;
}

/**
 * The text `strata plan` prints. With a Dataset among the files, its flow is generated
 * first: by the built-in rules and the Rules in the files, with the Flows in the files as
 * registered units. Otherwise the first Flow is planned; the others serve its `use` nodes.
 */
export async function planCommand(files: string[], opts: PlanOptions): Promise<string> {
  const format = opts.format ?? 'json';
  if (!['json', 'dot', 'mermaid'].includes(format)) throw new StrataError('invalid_request', `--format must be json, dot or mermaid, not "${format}"`);
  const docs = readDocuments(files);
  const flows = flowsOf(docs);
  const byRef = new Map(flows.map((f) => [`${f.metadata.name}@${f.metadata.version}`, f]));
  const datasetDoc = opts.flow ? undefined : docs.find((d) => (d.doc as { kind?: string })?.kind === 'Dataset');
  let compiled;
  if (datasetDoc) {
    const rules = [...loadBuiltinRules(GENERATOR_NAMES), ...docs.filter((d) => (d.doc as { kind?: string })?.kind === 'Rule').map((d) => validateRule(d.doc, GENERATOR_NAMES))];
    compiled = (await planDataset(validateDataset(datasetDoc.doc), rules, new MemoryFlowRegistry(flows), GENERATORS)).compiled;
  } else {
    if (flows.length === 0) throw new StrataError('invalid_document', `${files.join(', ')}: no Flow or Dataset document found`);
    const target = opts.flow ? byRef.get(opts.flow) : flows[0];
    if (!target) throw new StrataError('not_found', `no Flow ${opts.flow} in ${files.join(', ')}`);
    compiled = compileFlow(target, (ref) => byRef.get(ref));
  }
  if (opts.param) compiled = { ...compiled, params: { ...compiled.params, ...(opts.param as typeof compiled.params) } };
  if (opts.dryRun) return formatOrder(dryRunOrder(compiled.root, compiled.params));
  const plan = toPlanDocument(compiled);
  if (format === 'dot') return renderDot(plan.graph, plan.metadata.name);
  if (format === 'mermaid') return renderMermaid(plan.graph);
  return JSON.stringify(plan, null, 2) + '\n';
}

/** `{ "order": [...] }` with one tick a line: valid JSON that reads well in a terminal. */
export function formatOrder(order: string[][]): string {
  if (order.length === 0) return '{ "order": [] }\n';
  return `{ "order": [\n${order.map((t) => `  ${JSON.stringify(t)}`).join(',\n')}\n] }\n`;
}
