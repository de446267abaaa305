/** `strata import argo FILE...`: the strata flows Argo documents become, as YAML (or JSON), without a server. */
import { stringify } from 'yaml';
import { StrataError } from '../errors/strata-error.ts';
import { importDocuments, readArgoFiles } from './argo-files.ts';
import { argoLabel, inArgoWords } from '../argo/argo-places.ts';
import { validateFlowDocument } from '../flow/flow-document.ts';
import type { FlowDocument } from '../flow/types.ts';
import { MemoryFlowRegistry } from '../plan/flow-registry.ts';
import { planFlow } from '../service/plan-flow.ts';
import { loadLimits, loadParamsLimits } from '../app/config.ts';
import { checkFlowParams } from './local-flows.ts';

/** The flows of `files`: a WorkflowTemplate's units first, then each Workflow's flow; `---` between documents. */
export async function importCommand(kind: string, files: string[], opts: { output?: string }): Promise<string> {
  if (kind !== 'argo') throw new StrataError('invalid_request', `strata import knows argo, not "${kind}"`);
  const format = opts.output ?? 'yaml';
  if (format !== 'yaml' && format !== 'json') throw new StrataError('invalid_request', `-o must be yaml or json, not "${format}"`);
  const limits = loadLimits();
  const paramsLimits = loadParamsLimits();
  const { units, workflows } = await importDocuments(readArgoFiles(files, limits));
  const flows = [...units, ...workflows];
  // An empty file (or one of comments) is refused as submit refuses it, not printed as nothing with success.
  if (flows.length === 0) throw new StrataError('invalid_document', `${files.join(', ')}: no Argo Workflow or WorkflowTemplate document found`);
  // What plan refuses, import refuses too: parameters past this command's limits, and each flow compiled against the others.
  checkFlowParams(flows as unknown as FlowDocument[], undefined, paramsLimits);
  const registry = new MemoryFlowRegistry(flows as unknown as FlowDocument[]);
  for (const f of flows) {
    try {
      await planFlow(validateFlowDocument(structuredClone(f), limits), registry, limits);
    } catch (e) {
      throw inArgoWords(e, argoLabel(f as unknown as FlowDocument));
    }
  }
  if (format === 'json') return JSON.stringify(flows.length === 1 ? flows[0] : flows, null, 2);
  return flows.map((f) => stringify(f, { lineWidth: 0 })).join('---\n');
}
