/** `strata manifests FILE`: the Kubernetes Pods a flow's macro steps would become (each micro pod after the ConfigMap holding its plan), as YAML. */
import { StrataError } from '../errors/strata-error.ts';
import { compileFlow } from '../plan/compile.ts';
import { flowsOf, readDocuments } from './local-flows.ts';

export async function manifestsCommand(files: string[], opts: { namespace: string }): Promise<string> {
  const flows = flowsOf(readDocuments(files));
  if (flows.length === 0) throw new StrataError('invalid_document', `${files.join(', ')}: no Flow document found`);
  const byRef = new Map(flows.map((f) => [`${f.metadata.name}@${f.metadata.version}`, f]));
  const compiled = compileFlow(flows[0], (ref) => byRef.get(ref));
  // The Kubernetes side (and its client) is loaded only for this command.
  const kube = await import('../../runtime/kubernetes/manifests.ts');
  return kube.manifestsYaml(kube.manifestsForFlow(compiled.root, { namespace: opts.namespace, params: compiled.params, configMaps: true }));
}
