/** `strata manifests FILE`: the Kubernetes Pods a flow's macro steps would become, as YAML. */
import { stringify } from 'yaml';
import { StrataError } from '../errors/strata-error.ts';
import { compileFlow } from '../plan/compile.ts';
import type { PlanNode } from '../plan/plan-node.ts';
import { flowsOf, readDocuments } from './local-flows.ts';

export async function manifestsCommand(files: string[], opts: { namespace: string }): Promise<string> {
  const flows = flowsOf(readDocuments(files));
  if (flows.length === 0) throw new StrataError('invalid_document', `${files.join(', ')}: no Flow document found`);
  const byRef = new Map(flows.map((f) => [`${f.metadata.name}@${f.metadata.version}`, f]));
  const compiled = compileFlow(flows[0], (ref) => byRef.get(ref));
  // The Kubernetes side is loaded only for this command.
  const entry = '../../runtime/kubernetes/manifests.ts';
  const mod = (await import(entry)) as { manifestsForFlow(root: PlanNode, opts: { namespace: string; params?: Record<string, unknown> }): object[] };
  const pods = mod.manifestsForFlow(compiled.root, { namespace: opts.namespace, params: compiled.params });
  return pods.map((p) => stringify(p)).join('---\n');
}
