/**
 * Paths of a container's own and standard output as the result on the kubernetes runtime,
 * at both levels, on a STAND-IN API server (test/support/fake-kube-api: not Kubernetes)
 * whose kubelet runs each container as a real process in a mount namespace of its own
 * (bubblewrap: the host's file system read-only as its image, an empty /tmp, each volume
 * mounted at its path), so a program writing `/tmp/out` writes its own. First a micro pod
 * through the worker's KubeRuntime (the real quarterback and gate entrypoints), then
 * imported Argo documents run by a whole strata (API, coordinator, worker on the test
 * Redis) whose worker uses the kubernetes runtime: `outputs.result`, an output artifact at
 * a fixed path handed to the next step at another fixed path, a containerSet, a container
 * with args and no command (its args replace the image's CMD), an output parameter's text
 * less one trailing newline (text: true), and a result nested 6,000 deep kept as text.
 */
import { existsSync, readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { KubeRuntime } from '../../../runtime/kubernetes/kube-runtime.ts';
import type { StepReport } from '../../../runtime/pod-runtime.ts';
import { resourceType } from '../../support/fake-kube-api/store.ts';
import { startRunService, type RunTestService } from '../../support/run-service.ts';
import { testHome } from '../../support/test-service.ts';
import { NS, runPod, type FakeCluster } from './support/fake-cluster.ts';
import { podOf, podRequest, sh } from './support/flows.ts';
import { processCluster, QUARTERBACK_IMAGE, SHARED_CLAIM } from './support/process-cluster.ts';

let c: FakeCluster | undefined;
const services: RunTestService[] = [];
const homes: string[] = [];
afterEach(async () => {
  await Promise.all(services.splice(0).map((s) => s.close()));
  await c?.close();
  c = undefined;
  await Promise.all(homes.splice(0).map((h) => rm(h, { recursive: true, force: true })));
});

/** The last report of each step. */
function last(reports: Array<{ type: string }>): Record<string, StepReport> {
  const out: Record<string, StepReport> = {};
  for (const r of reports) if (r.type === 'step') out[(r as StepReport).step] = r as StepReport;
  return out;
}

describe('inside a pod: slots with paths of their own and standard output (stand-in API server, kubelet in namespaces)', () => {
  it('a step\'s artifact and parameter at /tmp reach the next step at /workspace; results from standard output; each execution finds its paths empty', async () => {
    c = await processCluster();
    const flow = {
      sequence: [
        {
          id: 'write',
          task: {
            ...sh('[ -e /tmp/greeting ] && echo dirty; echo hello > /tmp/greeting; echo 7 > /tmp/n; echo \'{"wrote": 2}\''),
            volumes: ['/tmp'], result: 'stdout',
            outputs: { artifacts: [{ name: 'greeting', path: '/tmp/greeting' }], parameters: { n: { path: '/tmp/n' } } },
          },
        },
        {
          id: 'read',
          task: { ...sh('cat /workspace/in/g; ls /workspace/in'), result: 'stdout', inputs: { g: { from: 'p/write:greeting', path: '/workspace/in/g' } } },
        },
        // One slot for three items: each finds /tmp as empty as the first did.
        { id: 'fan', fanOut: { over: [1, 2, 3], concurrency: 1, do: { task: { ...sh('[ -e /tmp/num ] && echo dirty; echo "$STRATA_ITEM" > /tmp/num; cat /tmp/num'), volumes: ['/tmp'], result: 'stdout' } } } },
      ],
    };
    const req = podRequest(podOf(flow), { shared: c.shared });
    const ran = await runPod(c.runtime({ quarterbackImage: QUARTERBACK_IMAGE, sharedClaim: SHARED_CLAIM, retention: 'keep' }), req);
    expect(ran.outcome, JSON.stringify(ran.logs)).toMatchObject({ ok: true });
    const steps = last(ran.reports);
    expect(steps['p/write']).toMatchObject({ status: 'succeeded', result: { wrote: 2 }, parameters: { n: '7' } });
    expect(steps['p/read']).toMatchObject({ status: 'succeeded', result: 'hello\ng' });
    expect([1, 2, 3].map((i) => steps[`p/fan/${i - 1}`]?.result)).toEqual([1, 2, 3]);
    // Nothing was written to this machine's /tmp.
    expect(existsSync('/tmp/greeting') && readFileSync('/tmp/greeting', 'utf8') === 'hello\n').toBe(false);
    // The slots mount their own paths from the scratch volume; the quarterback sees them all.
    const [pod] = c.api.store.list(resourceType('', 'pods')!, NS, () => true).items;
    const byName = (n: string) => [...pod.spec.initContainers, ...pod.spec.containers].find((x: { name: string }) => x.name === n);
    expect(byName('write').volumeMounts).toContainEqual({ name: 'strata-scratch', mountPath: '/tmp', subPath: 'own/write/0' });
    expect(byName('read').volumeMounts).toContainEqual({ name: 'strata-scratch', mountPath: '/workspace/in', subPath: 'own/read/0' });
    expect(byName('quarterback').volumeMounts).toContainEqual({ name: 'strata-scratch', mountPath: '/strata/own', subPath: 'own' });
  }, 120_000);
});

describe('imported Argo documents on the kubernetes runtime (stand-in API server, kubelet in namespaces)', () => {
  it('outputs.result, an output artifact at /tmp handed to a step at /mnt/in, and a containerSet run as on the local runtime', async () => {
    c = await processCluster();
    const prefix = `t-${randomUUID().slice(0, 8)}`;
    const home = testHome(prefix);
    homes.push(home);
    c.api.kubelet.processOptions!.claims[SHARED_CLAIM] = home;
    const runtime = new KubeRuntime({
      kubeConfig: c.api.kubeConfig('worker', NS), namespace: NS, quarterbackImage: QUARTERBACK_IMAGE,
      sharedClaim: SHARED_CLAIM, sharedDir: home, retention: 'delete', drainMs: 5000,
      // As STRATA_IMAGE_MAP gives it (docs/kubernetes.md): alpine's ENTRYPOINT (none) and CMD, so the stdout
      // wrapper can run a container's args in place of the CMD, as the image itself would.
      imageMap: { alpine: { entrypoint: [], cmd: ['sh'] } },
    });
    const svc = await startRunService({}, { runtime }, prefix);
    services.push(svc);
    const run = async (file: string) => {
      const r = await svc.call('POST', '/v1/runs', readFileSync(join('test/fixtures/argo', file), 'utf8'));
      expect(r.status, JSON.stringify(r.body)).toBe(202);
      return svc.waitRun(r.body.runId, 120_000);
    };
    const artifacts = await run('artifacts.yaml');
    expect(artifacts.status, JSON.stringify(artifacts.steps).slice(0, 3000)).toBe('succeeded');
    expect(artifacts.steps.read.result).toBe('payload\nbird');
    // Argo tester 4/5 on this runtime too: args replacing the CMD, an output parameter's text, a result nested 6,000 deep.
    const kube = await run('tester-5/kube-args-text.yaml');
    expect(kube.status, JSON.stringify(kube.steps).slice(0, 3000)).toBe('succeeded');
    expect(kube.steps.argsonly.result).toBe('hello from args');
    expect(kube.steps.spaced.parameters).toEqual({ p: '  two spaces, then two newlines\n' });
    expect(kube.steps.show.result).toBe('[  two spaces, then two newlines\n]');
    expect(kube.steps.deep).toMatchObject({ status: 'succeeded', attempts: 1 });
    expect(kube.steps.deep.execution).toBeUndefined();
    expect(String(kube.steps.deep.result)).toBe(`${'['.repeat(6000)}2${']'.repeat(6000)}`);
    const set = await run('container-set.yaml');
    expect(set.status, JSON.stringify(set.steps).slice(0, 3000)).toBe('succeeded');
    expect(set.steps.show.result).toBe('done');
    expect(set.steps['pod/prepare'].result).toBe('ready');
    runtime.close();
    // Every leaf ran as a pod made through the API (write, read; the containerSet's pod, show); nothing was written to this machine's /tmp/out.txt.
    const created = c.api.requests.filter((r) => r.verb === 'create' && r.resource === 'pods' && r.status === 201);
    expect(created.length).toBe(8);
    expect(existsSync('/tmp/out.txt') && readFileSync('/tmp/out.txt', 'utf8') === 'payload\n').toBe(false);
  }, 300_000);
});
