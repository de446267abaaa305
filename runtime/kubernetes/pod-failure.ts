/**
 * Why a pod failed, in plain words, from its status alone. Pure. Covers what a
 * cluster does to a pod behind its program's back: images that cannot be pulled,
 * containers that cannot be created, memory limits (OOMKilled), evictions, the
 * activeDeadlineSeconds of a step's timeout, and the quarterback crash-looping.
 */
import type { V1ContainerStatus, V1Pod } from '@kubernetes/client-node';
import { CONTAINERS } from './pod-layout.ts';
import { stderrGist } from '../process/exit-error.ts';
import { timedOutError, type FailureReason } from '../../src/engine/timeout-error.ts';

/** Waiting reasons a pod does not recover from by itself. */
const STUCK: Record<string, (c: V1ContainerStatus, image: string) => string> = {
  ImagePullBackOff: (c, image) => `image "${image}" of container ${c.name} could not be pulled (ImagePullBackOff)`,
  ErrImageNeverPull: (c, image) => `image "${image}" of container ${c.name} is not on the node and the pull policy is Never (ErrImageNeverPull)`,
  InvalidImageName: (c, image) => `container ${c.name} names an invalid image "${image}" (InvalidImageName)`,
  CreateContainerConfigError: (c) => `container ${c.name} could not be configured (CreateContainerConfigError)`,
  CreateContainerError: (c) => `container ${c.name} could not be created (CreateContainerError)`,
  RunContainerError: (c) => `container ${c.name} could not be started (RunContainerError)`,
  CrashLoopBackOff: (c) => `container ${c.name} keeps crashing (CrashLoopBackOff)`,
};

export interface PodFailure {
  /** the reason in plain words */
  reason: string;
  /** the container it concerns, when it is one container's */
  container?: string;
  /** `timeout`: the pod ran past its activeDeadlineSeconds (the step's timeout), which makes the step `failed`, not `errored` */
  cause?: FailureReason;
  /** the exit code the cluster gives a task's container that could not start its command (its program's failure, not an error) */
  exitCode?: number;
}

/** What is wrong with a pod that cannot end well by itself; undefined while nothing is. */
export function podFailure(pod: V1Pod): PodFailure | undefined {
  const status = pod.status;
  if (!status) return undefined;
  if (status.reason === 'Evicted') return { reason: `the pod was evicted by its node: ${status.message ?? 'no reason given'}` };
  if (status.reason === 'DeadlineExceeded') {
    const ads = pod.spec?.activeDeadlineSeconds;
    return { reason: `the pod ran past its deadline${ads !== undefined ? ` of ${ads}s` : ''} (activeDeadlineSeconds) and was stopped: the step ${ads !== undefined ? timedOutError(ads) : 'timed out'}`, cause: 'timeout' };
  }
  const all = [...(status.initContainerStatuses ?? []), ...(status.containerStatuses ?? [])];
  for (const c of all) {
    const w = c.state?.waiting;
    const describe = w?.reason ? STUCK[w.reason] : undefined;
    if (describe) return { reason: withMessage(describe(c, c.image), w?.message), container: c.name };
  }
  for (const c of all) {
    const t = c.state?.terminated;
    if (t?.reason === 'OOMKilled') return { reason: `container ${c.name} was killed for using more memory than its limit (OOMKilled)`, container: c.name };
    // The runtime could not start its command at all (no such file, no /bin/sh in the image, ...).
    if (t?.reason === 'StartError' || t?.reason === 'ContainerCannotRun') {
      const reason = withMessage(`container ${c.name} could not start its command (${t.reason})`, t.message);
      // A task's program that cannot be started failed, as in Argo, where the main container's
      // emissary exits 64 and the node is Failed (Argo tester 8, S10); containerd reports 128.
      if (c.name === CONTAINERS.task && (status.containerStatuses ?? []).includes(c)) return { reason, container: c.name, exitCode: t.exitCode || 128 };
      return { reason, container: c.name };
    }
  }
  for (const c of status.initContainerStatuses ?? []) {
    const t = c.state?.terminated;
    if (c.name === CONTAINERS.init && t && t.exitCode !== 0) return { reason: withMessage(`the pod's set-up container ${c.name} failed with code ${t.exitCode}`, t.message), container: c.name };
  }
  if (status.phase === 'Failed' && status.reason) return { reason: withMessage(`the pod failed (${status.reason})`, status.message) };
  return undefined;
}

/** The pod has ended, one way or the other. */
export function podEnded(pod: V1Pod): boolean {
  return pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed';
}

/** How a one-container pod's container ended, as the local runtime says it: `exited with code 3: <the gist of its log's tail>`. */
export function taskExit(pod: V1Pod, container: string): { exitCode: number | null; error?: string } {
  const s = (pod.status?.containerStatuses ?? []).find((c) => c.name === container);
  const t = s?.state?.terminated;
  if (!t) return { exitCode: null, error: 'the container ended without an exit code' };
  if (t.exitCode === 0) return { exitCode: 0 };
  const gist = stderrGist(t.message ?? '');
  return { exitCode: t.exitCode, error: gist ? `exited with code ${t.exitCode}: ${gist}` : `exited with code ${t.exitCode}` };
}

function withMessage(what: string, message: string | undefined): string {
  return message ? `${what}: ${message}` : what;
}
