/**
 * Argo tester 8, S16: Kubernetes' `$(VAR)` references in a container's command, args and
 * env values are expanded on the local runtime as the kubelet expands a pod's, at both
 * levels, and HOSTNAME is the pod's name (one per pod: each loop item its own, the
 * containers of one pod the same). Documents through `POST /v1/runs`, real HTTP, Redis,
 * BullMQ and processes.
 */
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { useRunService } from '../support/use-run-service.ts';
import { argoFixtures } from '../support/documents.ts';

const svc = useRunService();
const { read } = argoFixtures('kube-expansion');

describe('$(VAR) expansion and HOSTNAME (S16)', { timeout: 120_000 }, () => {
  it('an Argo container: command, args and env expanded; each loop item its own HOSTNAME', async () => {
    const r = await svc.runToEnd(read('env-expand.yaml'));
    expect(r.status, JSON.stringify(r.steps)).toBe('succeeded');
    expect(r.steps.say?.result).toBe('greeting=hello both=hello-world escaped=$(MSG) missing=$(NOPE) env=hello-world');
    const hosts = [r.steps['host/0']?.result, r.steps['host/1']?.result];
    expect(hosts.every((h) => typeof h === 'string' && h.startsWith('strata-')), JSON.stringify(hosts)).toBe(true);
    expect(new Set(hosts).size).toBe(2);
  });

  it('inside a pod (the quarterback): the same expansion; its containers share the pod\'s HOSTNAME', async () => {
    const r = await svc.runToEnd({ flow: parse(read('pod-expand.flow.yaml')) });
    expect(r.status, JSON.stringify(r.steps)).toBe('succeeded');
    const step = (suffix: string) => Object.entries(r.steps).find(([id]) => id.endsWith(`/${suffix}`))?.[1];
    expect(step('say')?.result).toBe(`greeting=hello escaped=$(MSG) missing=$(NOPE) step=${Object.keys(r.steps).find((id) => id.endsWith('/say'))} hello-world`);
    const h1 = step('host1')?.result;
    expect(typeof h1 === 'string' && h1.startsWith('strata-'), String(h1)).toBe(true);
    expect(step('host2')?.result).toBe(h1);
  });
});
