/**
 * The kubernetes side of strata, loaded only when asked for (STRATA_RUNTIME=kubernetes,
 * `strata manifests`, the operator). See README.md in this folder and docs/kubernetes.md.
 */
export { createKubeRuntimeFromEnv, kubeRuntimeOptionsFromEnv, startOperatorFromEnv, type OperatorSettings } from './from-env.ts';
export { KubeRuntime, type KubeRuntimeOptions, type Retention } from './kube-runtime.ts';
export { DEFAULT_QUARTERBACK_IMAGE, manifestsForFlow, manifestsYaml, type ManifestOptions } from './manifests.ts';
export { buildPod, type PodBuildOptions } from './pod-builder.ts';
export { startOperator, type Operator, type OperatorOptions } from './operator/controller.ts';
export type { RunView, StrataDocument, StrataPort } from './operator/strata-port.ts';
