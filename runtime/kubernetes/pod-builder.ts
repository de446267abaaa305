/**
 * The pod builder: one attempt of one macro step (a PodRequest) to the Pod manifest that
 * runs it. Pure: data in, a plain object out, the same for the same input; the runtime
 * sends it, `strata manifests` prints it, tests validate it against the Kubernetes schemas.
 *
 * - kind `task`: one container (task-pod.ts);
 * - kind `pod`: the quarterback as a native sidecar and the micro steps in slot
 *   containers gated by it through a shared volume (micro-pod.ts, slot-layout.ts), and a
 *   ConfigMap named as the pod holding its micro plan and slot layout.
 *
 * Both: labels strata.dev/run, strata.dev/step and strata.dev/attempt (folded to label
 * values; the exact ids are annotations), restartPolicy Never (retries are the flow's,
 * each attempt a new pod), activeDeadlineSeconds from the step's timeout, the owner
 * reference from the options, and a RuntimeDefault seccomp profile.
 */
import type { V1ConfigMap, V1Pod, V1PodSpec } from '@kubernetes/client-node';
import type { PodRequest } from '../pod-runtime.ts';
import { StrataError } from '../../src/errors/strata-error.ts';
import { microPodParts } from './micro-pod.ts';
import { labelValue, podName } from './names.ts';
import { ANNOTATIONS, LABELS, MANAGED_BY } from './pod-layout.ts';
import { DEFAULT_KILL_GRACE_SECONDS, type PodBuildOptions } from './pod-options.ts';
import { taskPodSpec } from './task-pod.ts';

export type { PodBuildOptions } from './pod-options.ts';

/** What one attempt of one step becomes: its Pod, and for a micro pod the ConfigMap its plan travels in (named as the pod; the runtime adds the pod as its owner). */
export interface PodObjects {
  pod: V1Pod;
  configMap?: V1ConfigMap;
}

/** Build the Pod for one attempt of one step. Throws a StrataError when the step cannot run as a pod. */
export function buildPod(req: PodRequest, opts: PodBuildOptions): V1Pod {
  return buildPodObjects(req, opts).pod;
}

/** Build the Pod for one attempt of one step, and its plan's ConfigMap for a micro pod. Throws a StrataError when the step cannot run as a pod. */
export function buildPodObjects(req: PodRequest, opts: PodBuildOptions): PodObjects {
  const name = podName(req.runId, req.step, req.attempt);
  const annotations: Record<string, string> = { [ANNOTATIONS.runId]: req.runId, [ANNOTATIONS.stepId]: req.step };
  let parts: Pick<V1PodSpec, 'initContainers' | 'containers' | 'volumes'>;
  let access: Pick<V1PodSpec, 'serviceAccountName' | 'automountServiceAccountToken'>;
  let planData: Record<string, string> | undefined;
  if (req.kind === 'task') {
    if (!req.task) throw new StrataError('invalid_request', `step ${req.step}: a task pod needs its task`);
    parts = taskPodSpec(req, opts);
    access = { ...(opts.stepServiceAccount ? { serviceAccountName: opts.stepServiceAccount } : {}), automountServiceAccountToken: false };
  } else {
    if (!req.pod) throw new StrataError('invalid_request', `step ${req.step}: a pod needs its micro plan`);
    const micro = microPodParts(req, opts);
    parts = micro.spec;
    planData = micro.planData;
    // Its own ServiceAccount (pod-access.ts), whose token only the quarterback mounts.
    access = { serviceAccountName: name, automountServiceAccountToken: false };
  }
  const grace = opts.killGraceSeconds ?? DEFAULT_KILL_GRACE_SECONDS;
  const labels = {
    ...opts.labels,
    [LABELS.managedBy]: MANAGED_BY,
    [LABELS.component]: 'step',
    [LABELS.run]: labelValue(req.runId),
    [LABELS.step]: labelValue(req.step),
    [LABELS.attempt]: String(req.attempt),
    [LABELS.kind]: req.kind,
  };
  const pod: V1Pod = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace: opts.namespace,
      labels,
      annotations,
      ...(opts.owner ? { ownerReferences: [opts.owner] } : {}),
    },
    spec: {
      restartPolicy: 'Never',
      ...access,
      ...parts,
      ...(req.timeoutMs !== undefined ? { activeDeadlineSeconds: Math.max(1, Math.ceil(req.timeoutMs / 1000)) } : {}),
      terminationGracePeriodSeconds: grace + 5,
      enableServiceLinks: false,
      securityContext: { seccompProfile: { type: 'RuntimeDefault' } },
      ...(opts.imagePullSecrets?.length ? { imagePullSecrets: opts.imagePullSecrets.map((n) => ({ name: n })) } : {}),
    },
  };
  if (!planData) return { pod };
  // Labelled as the pod's quarterback access is (pod-access.ts), so `kubectl get -l` finds it with the pod.
  const configMap: V1ConfigMap = {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name, namespace: opts.namespace, labels: { ...labels, [LABELS.component]: 'quarterback' }, annotations: { ...annotations } },
    data: planData,
  };
  return { pod, configMap };
}
