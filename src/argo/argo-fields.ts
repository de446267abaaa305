/**
 * Argo's own fields, by the Argo type that holds them (pkg/apis/workflow/v1alpha1
 * workflow_types.go, v3.5, and the Kubernetes core types it embeds), so that a field strata
 * does not map is said as one (`Argo field "jsonPath" is not supported: ...`) wherever it is
 * written, and a key that is no Argo field there stays an unknown key (a typo). The schemas
 * (argo-document.ts) accept the mapped subset; every other field listed here gets the Argo
 * sentence, with why when there is more to say than that strata does not map it.
 */

const CONTAINER = [
  'name', 'image', 'command', 'args', 'workingDir', 'ports', 'envFrom', 'env', 'resources', 'resizePolicy', 'restartPolicy', 'volumeMounts', 'volumeDevices',
  'livenessProbe', 'readinessProbe', 'startupProbe', 'lifecycle', 'terminationMessagePath', 'terminationMessagePolicy', 'imagePullPolicy', 'securityContext', 'stdin', 'stdinOnce', 'tty',
];
const POD_FIELDS = ['nodeSelector', 'affinity', 'tolerations', 'schedulerName', 'priorityClassName', 'priority', 'serviceAccountName', 'automountServiceAccountToken', 'executor', 'hostAliases', 'securityContext', 'podSpecPatch', 'volumes'];
const INVOCATION = ['name', 'template', 'inline', 'arguments', 'templateRef', 'withItems', 'withParam', 'withSequence', 'when', 'continueOn', 'onExit', 'hooks'];

/** Argo's fields of each type strata reads, by the type's name as messages say it. */
export const ARGO_FIELDS: Record<string, readonly string[]> = {
  document: ['apiVersion', 'kind', 'metadata', 'spec', 'status'],
  metadata: ['name', 'generateName', 'namespace', 'selfLink', 'uid', 'resourceVersion', 'generation', 'creationTimestamp', 'deletionTimestamp', 'deletionGracePeriodSeconds', 'labels', 'annotations', 'ownerReferences', 'finalizers', 'managedFields'],
  spec: [
    'templates', 'entrypoint', 'arguments', 'serviceAccountName', 'automountServiceAccountToken', 'executor', 'volumes', 'volumeClaimTemplates', 'parallelism', 'artifactRepositoryRef', 'suspend',
    'nodeSelector', 'affinity', 'tolerations', 'imagePullSecrets', 'hostNetwork', 'dnsPolicy', 'dnsConfig', 'onExit', 'ttlStrategy', 'activeDeadlineSeconds', 'priority', 'schedulerName', 'podGC',
    'podPriorityClassName', 'podPriority', 'hostAliases', 'securityContext', 'podSpecPatch', 'podDisruptionBudget', 'metrics', 'shutdown', 'workflowTemplateRef', 'synchronization', 'volumeClaimGC',
    'retryStrategy', 'podMetadata', 'templateDefaults', 'archiveLogs', 'hooks', 'workflowMetadata', 'artifactGC',
  ],
  template: [
    'name', 'inputs', 'outputs', 'nodeSelector', 'affinity', 'metadata', 'daemon', 'steps', 'container', 'containerSet', 'script', 'resource', 'dag', 'suspend', 'data', 'http', 'plugin', 'volumes',
    'initContainers', 'sidecars', 'archiveLocation', 'activeDeadlineSeconds', 'retryStrategy', 'parallelism', 'failFast', 'tolerations', 'schedulerName', 'priorityClassName', 'priority',
    'serviceAccountName', 'automountServiceAccountToken', 'executor', 'hostAliases', 'securityContext', 'podSpecPatch', 'metrics', 'synchronization', 'memoize', 'timeout',
  ],
  container: CONTAINER,
  script: [...CONTAINER, 'source'],
  containerSet: ['containers', 'volumeMounts', 'retryStrategy'],
  volumeMount: ['name', 'mountPath', 'readOnly', 'recursiveReadOnly', 'mountPropagation', 'subPath', 'subPathExpr'],
  'containerSet container': [...CONTAINER, 'dependencies'],
  step: INVOCATION,
  task: [...INVOCATION, 'dependencies', 'depends'],
  dag: ['target', 'tasks', 'failFast'],
  arguments: ['parameters', 'artifacts'],
  inputs: ['parameters', 'artifacts'],
  outputs: ['parameters', 'artifacts', 'result', 'exitCode'],
  parameter: ['name', 'default', 'value', 'valueFrom', 'globalName', 'enum', 'description'],
  'parameter valueFrom': ['path', 'jsonPath', 'jqFilter', 'event', 'parameter', 'supplied', 'configMapKeyRef', 'default', 'expression'],
  artifact: [
    'name', 'path', 'mode', 'from', 'archiveLogs', 's3', 'git', 'http', 'artifactory', 'hdfs', 'raw', 'oss', 'gcs', 'azure', 'globalName', 'archive', 'optional', 'subPath', 'recurseMode',
    'fromExpression', 'artifactGC', 'deleted',
  ],
  archive: ['tar', 'none', 'zip'],
  retryStrategy: ['limit', 'retryPolicy', 'backoff', 'affinity', 'expression'],
  backoff: ['duration', 'factor', 'maxDuration', 'cap'],
  templateRef: ['name', 'template', 'clusterScope'],
  workflowTemplateRef: ['name', 'clusterScope'],
  withSequence: ['count', 'start', 'end', 'format'],
  continueOn: ['error', 'failed'],
  env: ['name', 'value', 'valueFrom'],
  resources: ['requests', 'limits', 'claims'],
};

/**
 * Why a field is not mapped, where there is more to say than that: by `type.field` for one
 * type, or by the field's name for every type that has it.
 */
export const UNSUPPORTED: Record<string, string> = {
  suspend: 'strata has no suspend/resume: a run cannot wait for a person',
  resource: 'strata does not create Kubernetes resources from a template',
  data: 'data templates (sources and transformations) have no strata equivalent',
  http: 'HTTP templates have no strata equivalent; run a container that calls the URL',
  plugin: 'executor plugins have no strata equivalent',
  daemon: 'daemon steps (kept running beside later steps) have no strata equivalent; use a pod whose containers run side by side',
  sidecars: 'sidecars have no strata equivalent outside a pod; use a containerSet',
  initContainers: 'init containers have no strata equivalent; use a step before',
  'volumeMount.subPath': 'a volume\'s sub-path is not mapped: strata mounts the whole emptyDir volume (a directory of the container\'s own, or a containerSet pod\'s scratch); mount it and use a directory in it',
  'volumeMount.subPathExpr': 'a volume\'s sub-path is not mapped: strata mounts the whole emptyDir volume (a directory of the container\'s own, or a containerSet pod\'s scratch); mount it and use a directory in it',
  'volumeMount.readOnly': 'read-only mounts are not mapped: an emptyDir volume is writable by each container that mounts it',
  volumeClaimTemplates: 'persistent volume claims are not mapped',
  memoize: 'memoization has no strata equivalent',
  synchronization: 'semaphores and mutexes have no strata equivalent',
  hooks: 'lifecycle hooks are not mapped; use onExit',
  onExit: 'a step-level onExit is not mapped; use the workflow\'s spec.onExit',
  inline: 'inline templates are not mapped; name the template',
  valueFrom: 'environment variables from secrets or config maps are not mapped',
  envFrom: 'environment variables from secrets or config maps are not mapped',
  metrics: 'Prometheus metrics of templates are not mapped',
  podSpecPatch: 'pod spec patches have no local equivalent',
  securityContext: 'security contexts have no local equivalent',
  nodeSelector: 'Kubernetes placement has no local equivalent',
  affinity: 'Kubernetes placement has no local equivalent',
  tolerations: 'Kubernetes placement has no local equivalent',
  expression: 'expressions here (retry or output parameter valueFrom.expression) are not mapped',
  enum: 'parameter enums are not checked by strata',
  raw: 'raw (inline) artifacts are not mapped; write the file in a step',
  mode: 'artifact file modes are not mapped',
  globalName: 'global output parameters are not mapped',
  s3: 'artifact repositories are not mapped: artifacts live in strata\'s artifact store',
  gcs: 'artifact repositories are not mapped: artifacts live in strata\'s artifact store',
  http_artifact: 'remote artifacts are not mapped',
  git: 'git artifacts are not mapped; clone in a step',
  artifactRepositoryRef: 'artifact repositories are not mapped: artifacts live in strata\'s artifact store',
  ports: 'container ports are not mapped; a pod\'s containers get loopback ports (STRATA_PORT)',
  lifecycle: 'container lifecycle hooks are not mapped',
  readinessProbe: 'probes are not mapped',
  livenessProbe: 'probes are not mapped',
  'containerSet.retryStrategy': 'retries of the containers inside a containerSet are not mapped; a retryStrategy on the template retries the whole pod',
  'spec.templateDefaults': 'template defaults are not mapped; write the fields on each template',
  'parameter valueFrom.jsonPath': 'output parameters read from a resource by JSONPath are not mapped (strata has no resource templates)',
  'parameter valueFrom.jqFilter': 'output parameters read from a resource by jq are not mapped (strata has no resource templates)',
  'parameter valueFrom.supplied': 'supplied values (given when a suspend is resumed) are not mapped: strata has no suspend',
  'parameter valueFrom.configMapKeyRef': 'values from Kubernetes config maps are not mapped; give the value as a parameter',
  'parameter valueFrom.event': 'values from events are not mapped: strata has no event bindings',
  'outputs.result': 'outputs.result is set by Argo, not written; strata reads a step\'s standard output as it',
  'outputs.exitCode': 'outputs.exitCode is set by Argo, not written',
};

/** Kubernetes (not Argo workflow) fields with the same answer: strata makes its own pods. */
const GENERIC = 'strata does not map it (docs/argo.md, Not supported)';

/**
 * The Argo type at a zod path into an Argo document (`['spec', 'templates', 1, 'containerSet']`
 * is a containerSet), or undefined when the path is none strata knows.
 */
export function argoTypeAt(path: ReadonlyArray<PropertyKey>): string | undefined {
  const keys = path.filter((k): k is string => typeof k === 'string');
  if (keys.length === 0) return 'document';
  const last = keys[keys.length - 1];
  const parent = keys[keys.length - 2];
  if (last === 'templates' && keys.length === 2) return 'template';
  if (last === 'steps') return 'step';
  if (last === 'tasks') return 'task';
  if (last === 'containers' && parent === 'containerSet') return 'containerSet container';
  if (last === 'parameters') return 'parameter';
  if (last === 'artifacts') return 'artifact';
  if (last === 'valueFrom' && parent === 'parameters') return 'parameter valueFrom';
  if (last === 'backoff') return 'backoff';
  if (last === 'volumeMounts') return 'volumeMount';
  return Object.hasOwn(ARGO_FIELDS, last) ? last : undefined;
}

/** The sentence for field `key` at zod path `path`, when it is an Argo field strata does not map; undefined for a key that is none (a typo). */
export function unsupportedField(path: ReadonlyArray<PropertyKey>, key: string): string | undefined {
  const type = argoTypeAt(path);
  const specific = type !== undefined ? UNSUPPORTED[`${type}.${key}`] : undefined;
  const fields = type !== undefined ? ARGO_FIELDS[type] : undefined;
  const isArgo = (fields?.includes(key) ?? false) || (type === 'template' && POD_FIELDS.includes(key));
  const why = specific ?? (Object.hasOwn(UNSUPPORTED, key) ? UNSUPPORTED[key] : isArgo ? GENERIC : undefined);
  return why === undefined ? undefined : `Argo field "${key}" is not supported: ${why}`;
}
