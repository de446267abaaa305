/**
 * A failed step's outputs on the kubernetes runtime (Argo tester 3, N14), on a STAND-IN API
 * server (test/support/fake-kube-api: not Kubernetes) whose kubelet runs each container as a
 * real process in a mount namespace of its own: a whole strata (API, coordinator, worker on
 * the test Redis) whose worker uses the kubernetes runtime runs imported Argo documents (a
 * task pod each) and a native pod (its containers driven by the quarterback through the
 * gate), and the steps after a failed one read what it left.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { RunView } from '../../../src/run/run-view.ts';
import { until } from '../../support/processes.ts';
import { argoFixtures } from '../../support/documents.ts';
import { useKubeRunService } from './support/kube-run-service.ts';

const k = useKubeRunService();

const argo = (name: string) => k().svc.runToEnd(argoFixtures('failed-outputs').read(name), { timeoutMs: 120_000 });

describe('a failed step\'s outputs on the kubernetes runtime (stand-in API server, kubelet in namespaces)', () => {
  it('a task pod: its standard output, its parameter at /tmp and its artifact at /w reach the steps after it', async () => {
    const steps = await argo('steps-continue.yaml');
    expect(steps.status, JSON.stringify(steps.steps).slice(0, 3000)).toBe('succeeded');
    expect(steps.steps.check).toMatchObject({ status: 'failed', exitCode: 1, result: 'checked 3 items' });
    expect(steps.steps.report.result).toBe('result=[checked 3 items] reason=[disk full] hint=[no-hint] status=Failed');
    const art = await argo('artifact.yaml');
    expect(art.status, JSON.stringify(art.steps).slice(0, 3000)).toBe('succeeded');
    expect(art.steps.report.result).toBe('FAIL: test_login');
  }, 300_000);

  it('a failed containerSet\'s result is its main container\'s; a failed pod\'s result and declared output reach the step after it (Argo tester 5, P4)', async () => {
    const cs = await argo('cset-failed.yaml');
    expect(cs.status, JSON.stringify(cs.steps).slice(0, 3000)).toBe('succeeded');
    expect(cs.steps.show.result).toBe('cs=[main-said-this] Failed');
    const flow = parse(readFileSync('test/fixtures/flows/run/failed-pod.yaml', 'utf8'));
    const r = await k().svc.runToEnd({ flow }, { timeoutMs: 120_000 });
    expect(r.steps.p, JSON.stringify(r.steps).slice(0, 3000)).toMatchObject({ status: 'failed', exitCode: 4, result: { prep: 'prep-out', main: 'main-said' } });
    expect(r.steps.report).toMatchObject({ status: 'succeeded', result: 'prep-out main-said FAIL: pod_test' });
  }, 300_000);

  it('inside a pod: a failed container\'s standard output and output file reach its sibling', async () => {
    const root = {
      id: 'p',
      pod: {
        flow: {
          graph: {
            nodes: {
              check: { task: { image: 'alpine', command: ['sh', '-c', 'echo "quota exceeded"; echo partial > "$STRATA_OUTPUTS/part.txt"; exit 5'], result: 'stdout', outputs: ['part.txt'] } },
              why: { depends: 'check.Failed', task: { image: 'alpine', command: ['sh', '-c', 'echo "$1 / $(cat "$STRATA_INPUTS/part")"', 'sh', '{{ steps["./check"].result }}'], inputs: { part: './check:part.txt' }, result: 'stdout' } },
            },
          },
        },
      },
    };
    const r = await k().svc.runToEnd({ flow: { apiVersion: 'strata/v1', kind: 'Flow', metadata: { name: 'kube-failed', version: '1' }, spec: { root } } }, { timeoutMs: 120_000 });
    expect(r.steps['p/check'], JSON.stringify(r.steps).slice(0, 3000)).toMatchObject({ status: 'failed', exitCode: 5, result: 'quota exceeded' });
    expect(r.steps['p/why']).toMatchObject({ status: 'succeeded', result: 'quota exceeded / partial' });
  }, 300_000);

  it('strata runs retry runs the exit handler again over the new outcome, its new result replacing the old (Argo tester 6, Q9)', async () => {
    // Outside /tmp: each container has an empty /tmp of its own, the host's other paths read-only.
    const dir = mkdtempSync('/var/tmp/strata-q9-');
    const flag = join(dir, 'flag.ok');
    try {
      const failed = await k().svc.runToEnd({ flow: parse(argoFixtures('tester-6').read('retry-run-exit.yaml')), params: { flag } }, { timeoutMs: 120_000 });
      expect(failed.status, JSON.stringify(failed.steps).slice(0, 3000)).toBe('failed');
      expect(failed.steps.onExit).toMatchObject({ status: 'succeeded', result: 'exit status Failed' });
      writeFileSync(flag, '');
      const r = await k().svc.call('POST', `/v1/runs/${failed.id}/retry`);
      expect(r.status, r.text).toBe(200);
      const run = await until(`run ${failed.id} retried and ended`, async () => {
        const v = (await k().svc.call('GET', `/v1/runs/${failed.id}`)).body as RunView;
        return v.retries > failed.retries && ['succeeded', 'failed', 'cancelled'].includes(v.status) && v;
      }, 120_000);
      expect(run.status, JSON.stringify(run.steps).slice(0, 3000)).toBe('succeeded');
      expect(run.steps.onExit).toMatchObject({ status: 'succeeded', result: 'exit status Succeeded' });
      expect(run.steps.a.result).toBe(failed.steps.a.result);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 300_000);
});
