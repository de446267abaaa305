/** What the runtime says when Kubernetes ends a pod behind its program's back: table-driven over pod statuses. */
import type { V1Pod } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { podFailure, taskExit } from '../../../runtime/kubernetes/pod-failure.ts';

const pod = (status: V1Pod['status'], ads?: number): V1Pod => ({ spec: { containers: [], ...(ads ? { activeDeadlineSeconds: ads } : {}) }, status });
const waiting = (name: string, image: string, reason: string, message?: string) => ({ name, image, imageID: '', ready: false, restartCount: 0, state: { waiting: { reason, ...(message ? { message } : {}) } } });
const ended = (name: string, exitCode: number, reason: string, message?: string) => ({ name, image: 'i', imageID: '', ready: false, restartCount: 0, state: { terminated: { exitCode, reason, ...(message ? { message } : {}) } } });

describe('pod failures in plain words', () => {
  it.each([
    ['running normally', { phase: 'Running', containerStatuses: [] }, undefined],
    ['an image that cannot be pulled', { phase: 'Pending', containerStatuses: [waiting('main', 'nope:1', 'ImagePullBackOff', 'Back-off pulling image "nope:1"')] }, 'image "nope:1" of container main could not be pulled (ImagePullBackOff): Back-off pulling image "nope:1"'],
    ['a first pull error, which may pass', { phase: 'Pending', containerStatuses: [waiting('main', 'nope:1', 'ErrImagePull')] }, undefined],
    ['an invalid image name', { phase: 'Pending', containerStatuses: [waiting('main', 'UPPER', 'InvalidImageName')] }, 'container main names an invalid image "UPPER" (InvalidImageName)'],
    ['a missing secret', { phase: 'Pending', containerStatuses: [waiting('main', 'i', 'CreateContainerConfigError', 'secret "s" not found')] }, 'container main could not be configured (CreateContainerConfigError): secret "s" not found'],
    ['a quarterback crash loop', { phase: 'Running', initContainerStatuses: [waiting('quarterback', 'q', 'CrashLoopBackOff')] }, 'container quarterback keeps crashing (CrashLoopBackOff)'],
    ['a container over its memory limit', { phase: 'Running', containerStatuses: [ended('load-0', 137, 'OOMKilled')] }, 'container load-0 was killed for using more memory than its limit (OOMKilled)'],
    ['an image without the command', { phase: 'Running', containerStatuses: [ended('a', 128, 'StartError', 'exec: "/bin/sh": no such file or directory')] }, 'container a could not start its command (StartError): exec: "/bin/sh": no such file or directory'],
    ['an eviction', { phase: 'Failed', reason: 'Evicted', message: 'The node was low on resource: memory.' }, 'the pod was evicted by its node: The node was low on resource: memory.'],
    ['a failed set-up container', { phase: 'Pending', initContainerStatuses: [ended('strata-init', 2, 'Error', 'cp: read-only')] }, 'the pod\'s set-up container strata-init failed with code 2: cp: read-only'],
    ['a node that went away', { phase: 'Failed', reason: 'NodeLost', message: 'node n1 is gone' }, 'the pod failed (NodeLost): node n1 is gone'],
  ])('%s', (_d, status, want) => {
    expect(podFailure(pod(status as V1Pod['status']))?.reason).toBe(want);
  });

  it('a task\'s container that cannot start its command failed with the cluster\'s exit code (S10); a pod\'s quarterback that cannot is an error', () => {
    expect(podFailure(pod({ phase: 'Failed', containerStatuses: [ended('main', 128, 'StartError', 'exec: "nope": executable file not found in $PATH')] }))).toEqual({
      reason: 'container main could not start its command (StartError): exec: "nope": executable file not found in $PATH', container: 'main', exitCode: 128,
    });
    expect(podFailure(pod({ phase: 'Running', initContainerStatuses: [ended('quarterback', 128, 'StartError')] }))?.exitCode).toBeUndefined();
  });

  it('names the deadline that passed, and says it was the step\'s timeout by its cause, not its words', () => {
    expect(podFailure(pod({ phase: 'Failed', reason: 'DeadlineExceeded' }, 30))).toEqual({ reason: 'the pod ran past its deadline of 30s (activeDeadlineSeconds) and was stopped: the step timed out after 30s', cause: 'timeout' });
    expect(podFailure(pod({ phase: 'Failed', reason: 'NodeLost', message: 'timed out after 3' }))).toEqual({ reason: 'the pod failed (NodeLost): timed out after 3' });
  });

  it.each([
    ['success', ended('main', 0, 'Completed'), { exitCode: 0 }],
    ['failure with its last line', ended('main', 3, 'Error', 'step 1\nboom\n'), { exitCode: 3, error: 'exited with code 3: boom' }],
    ['failure with an error before its last line', ended('main', 1, 'Error', 'TypeError: x is null\n    at f (a.js:1:1)\n\nNode.js v20.20.2\n'), { exitCode: 1, error: 'exited with code 1: TypeError: x is null (stderr ends: Node.js v20.20.2)' }],
    ['failure without output', ended('main', 1, 'Error'), { exitCode: 1, error: 'exited with code 1' }],
  ])('a task container\'s %s', (_d, status, want) => {
    expect(taskExit(pod({ phase: 'Failed', containerStatuses: [status] }), 'main')).toEqual(want);
  });
});
