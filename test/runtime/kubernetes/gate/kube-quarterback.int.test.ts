/**
 * The quarterback's Kubernetes entry (sidecar/entrypoint/kube-quarterback.ts) on its own,
 * its pod played in memory: it refuses to start without its configuration, and one that
 * the kubelet starts again after the pod has finished runs nothing. (Its full run in a
 * pod is in kube-e2e.int.test.ts.)
 */
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { planSlots } from '../../../../runtime/kubernetes/slot-layout.ts';
import { runKubeQuarterback } from '../../../../sidecar/entrypoint/kube-quarterback.ts';
import type { OwnPod } from '../../../../sidecar/entrypoint/own-pod.ts';
import { podOf, sh } from '../support/flows.ts';

let dir = '';
afterEach(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function setUp(report: unknown) {
  dir = await mkdtemp(join(tmpdir(), 'strata-qb-'));
  const pod = podOf({ sequence: [{ id: 'a', task: sh('true') }] });
  const plan = { runId: 'r1', step: 'p', attempt: 1, pod, artifactsDir: join(dir, 'a'), outputsDir: join(dir, 'o'), scratchDir: join(dir, 's'), ipcDir: join(dir, 'i'), workDir: join(dir, 'w'), env: {} };
  await writeFile(join(dir, 'plan.json'), JSON.stringify(plan));
  await writeFile(join(dir, 'slots.json'), JSON.stringify(planSlots(pod.body)));
  const patches: unknown[] = [];
  const own: OwnPod = {
    get: async () => ({ metadata: { annotations: { 'strata.dev/report': JSON.stringify(report) } } }),
    patch: async (body) => void patches.push(body),
  };
  const env = { STRATA_POD_PLAN_FILE: join(dir, 'plan.json'), STRATA_POD_SLOTS_FILE: join(dir, 'slots.json'), STRATA_GATE: join(dir, 'gate') };
  return { own, env, patches };
}

describe('the quarterback in a Kubernetes pod', () => {
  it('runs nothing when it starts again in a pod that has finished', async () => {
    const { own, env, patches } = await setUp({ v: 1, seq: 2, events: [], done: { ok: true, status: 'succeeded', result: null } });
    const stop = new AbortController();
    const lines: string[] = [];
    const running = runKubeQuarterback({ env, pod: own, signal: stop.signal, log: (l) => lines.push(l) });
    stop.abort('the pod ends');
    expect(await running).toBe(0);
    expect(patches).toEqual([]);
    expect(lines).toEqual(['quarterback: this pod has finished already; waiting for it to end']);
    await expect(readdir(join(dir, 'gate'))).rejects.toThrow();
  });

  it('says what is missing when it cannot start', async () => {
    const { own, env } = await setUp(null);
    const lines: string[] = [];
    const code = await runKubeQuarterback({ env: { ...env, STRATA_POD_SLOTS_FILE: undefined }, pod: own, signal: new AbortController().signal, log: (l) => lines.push(l) });
    expect(code).toBe(2);
    expect(lines).toEqual(['quarterback: cannot start: STRATA_POD_SLOTS_FILE is not set (the pod builder sets it)']);
  });
});
