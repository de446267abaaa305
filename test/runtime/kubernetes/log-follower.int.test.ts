/**
 * Whose log a followed stream is: the pod log API takes a pod's name only, so a pod made
 * under the attempt's name (its own deleted, the same attempt run again by another worker)
 * can answer a stream opened for the attempt's pod. Through the real @kubernetes/client-node
 * client against a STAND-IN API server started by the test (test/support/fake-kube-api:
 * not Kubernetes), the worker's Role from deploy/ enforced.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { resourceType } from '../../support/fake-kube-api/store.ts';
import { fakeCluster, NS, runPod, type FakeCluster } from './support/fake-cluster.ts';
import { podRequest } from './support/flows.ts';
import { waitFor } from './support/wait.ts';

const PODS = resourceType('', 'pods')!;
let c: FakeCluster;
beforeEach(async () => {
  c = await fakeCluster();
});
afterEach(async () => {
  await c.close();
});

const pods = () => c.api.store.list(PODS, NS, () => true).items;

describe('kubernetes runtime: a log stream is the attempt\'s own pod\'s', () => {
  it('drops the log of another pod that took its pod\'s name before the stream opened, and says so', async () => {
    c.api.kubelet.onImage('forever', { kind: 'hang' });
    // The stream of the pod's container is slow on its way to the API server ...
    const opening = c.api.delayNext('get', 'pods/log');
    const running = runPod(c.runtime(), podRequest(undefined, { shared: c.shared }, { kind: 'task', task: { image: 'forever', command: ['run'] } }));
    await opening.arrived;
    const [pod] = pods();
    const name = pod.metadata.name;
    // ... and meanwhile its pod is deleted, and another worker makes the same attempt's pod again, which writes.
    c.api.store.requestDelete(PODS, NS, name);
    await waitFor('the pod to be gone', () => pods().length === 0);
    c.api.store.create(PODS, NS, { metadata: { name, labels: pod.metadata.labels, annotations: pod.metadata.annotations }, spec: pod.spec });
    await waitFor('the other pod to run', () => pods()[0]?.status?.phase === 'Running');
    const other = pods()[0].metadata.uid;
    c.api.logs.write(NS, name, 'main', 'a line of the other pod\n');
    opening.release();
    const ran = await running;
    expect(ran.outcome).toEqual({ ok: false, error: `pod ${name} was deleted before it finished` });
    expect(ran.logs.p).not.toContain('a line of the other pod');
    expect(ran.logs.p).toContain(`[strata] the log of container main was not read: pod ${name} is another pod now (uid ${other}, not this attempt's ${pod.metadata.uid})\n`);
  });
});
