/**
 * The gate entrypoint (sidecar/entrypoint/entrypoint.sh) and the gate driver
 * (sidecar/entrypoint/file-gate-driver.ts) with the real Quarterback: real `sh`
 * processes, one per slot container, sharing a real temp directory, the same code that
 * runs in a Kubernetes pod. No Kubernetes here: the image switch is played by stopping a
 * slot's process and starting it again, as the kubelet does.
 * (Kept under test/runtime/kubernetes/ with the rest of the kubernetes runtime's tests.)
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { gatePod, type GatePod } from '../support/gate-pod.ts';
import { podOf, sh } from '../support/flows.ts';
import { waitFor } from '../support/wait.ts';

const pods: GatePod[] = [];
afterEach(async () => {
  await Promise.all(pods.splice(0).map((p) => p.cleanup()));
});
async function start(flow: Record<string, unknown>): Promise<GatePod> {
  const p = await gatePod(podOf(flow));
  pods.push(p);
  return p;
}
const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};
const runs = (p: GatePod, slot: string) => readdirSync(join(p.gate, 'slots', slot)).filter((f) => f.endsWith('.run')).sort();

describe('gate entrypoint with the quarterback', () => {
  it('runs a sequence in order, the second step seeing what the first left on scratch', async () => {
    const p = await start({
      sequence: [
        { id: 'a', task: sh('echo from-a > "$STRATA_SCRATCH/a.txt"; echo \'{"n":1}\' > "$STRATA_OUTPUTS/result.json"') },
        { id: 'b', task: sh('printf \'{"seen":"%s"}\' "$(cat "$STRATA_SCRATCH/a.txt")" > "$STRATA_OUTPUTS/result.json"') },
      ],
    });
    const done = await p.finish();
    expect(done).toMatchObject({ ok: true, status: 'succeeded', result: { seen: 'from-a' } });
    const order = p.messages.filter((m) => m.type === 'step').map((m) => `${(m as { step: string }).step}:${(m as { status: string }).status}`);
    expect(order).toEqual(['p/a:running', 'p/a:succeeded', 'p/b:running', 'p/b:succeeded']);
    expect(p.last('p/a')?.result).toEqual({ n: 1 });
    expect([...p.slots.exits.values()]).toEqual([0, 0]);
    expect(p.slots.output('a')).toContain('::strata-step:: p/a 1');
  });

  it('does not start what follows a failed step; the failing container exits with its code', async () => {
    const p = await start({ sequence: [{ id: 'a', task: sh('echo broken >&2; exit 3') }, { id: 'b', task: sh('true') }] });
    const done = await p.finish();
    expect(done.ok).toBe(false);
    expect(done.error).toContain('p/a');
    expect(p.statuses()['p/a']).toEqual(['running', 'failed']);
    expect(p.last('p/a')?.error).toBe('exited with code 3');
    expect(p.statuses()['p/b']).toEqual(['skipped']);
    expect(runs(p, 'b')).toEqual([]);
    expect(p.slots.exits.get('a')).toBe(3);
    expect(p.slots.exits.get('b')).toBe(0);
  });

  it('runs a retried step again in the same container', async () => {
    const p = await start({ id: 'a', retries: 1, task: sh('if [ -e "$STRATA_SCRATCH/once" ]; then exit 0; fi; touch "$STRATA_SCRATCH/once"; exit 1') });
    const done = await p.finish();
    expect(done.ok).toBe(true);
    expect(runs(p, 'a')).toEqual(['1.run', '2.run']);
    expect(p.last('p/a')).toMatchObject({ status: 'succeeded', attempt: 2 });
  });

  it('cancel stops a running step and everything it started', async () => {
    const p = await start({ id: 'a', task: sh('sleep 60 & echo $! > "$STRATA_SCRATCH/child"; wait') });
    const finished = p.finish();
    const childFile = join(p.plan.scratchDir, 'child');
    const child = Number(await waitFor('the step to start its child', () => existsSync(childFile) && readFileSync(childFile, 'utf8').trim()));
    p.qb.cancel('stopped by the test');
    const done = await finished;
    expect(done).toMatchObject({ ok: false, status: 'cancelled' });
    expect(p.last('p/a')?.status).toBe('cancelled');
    // Signalled with its group; gone once the system has reaped it.
    await waitFor('the step\'s child to be gone', () => !alive(child));
    const exit = readFileSync(join(p.gate, 'slots', 'a', '1.exit'), 'utf8').split('\n');
    expect(exit[1]).toBe('cancelled');
  });

  it('keeps declared outputs in the pod\'s outputs dir and reports where they will be kept', async () => {
    const p = await start({ id: 'a', task: { ...sh('echo "x,1" > "$STRATA_OUTPUTS/data.csv"'), outputs: ['data.csv'] } });
    const done = await p.finish();
    expect(done.ok).toBe(true);
    const path = p.last('p/a')?.outputs?.['data.csv'];
    expect(path).toBe(join(p.plan.artifactsDir, 'r1', 'p', 'a', 'data.csv'));
    expect(readFileSync(join(p.plan.outputsDir, 'a', 'data.csv'), 'utf8')).toBe('x,1\n');
  });

  it('runs fan-out items on the slots declared for it, queueing the rest', async () => {
    const p = await start({ sequence: [{ id: 'fan', fanOut: { over: [1, 2, 3, 4, 5], concurrency: 2, do: { task: sh('echo "$STRATA_ITEM" > "$STRATA_OUTPUTS/result.json"') } } }] });
    expect(p.layout.pools).toHaveLength(1);
    expect(p.layout.pools[0].slots.map((s) => s.name)).toEqual(['fan-item-0', 'fan-item-1']);
    const done = await p.finish();
    expect(done.result).toEqual([1, 2, 3, 4, 5]);
    expect(runs(p, 'fan-item-0').length + runs(p, 'fan-item-1').length).toBe(5);
  });

  it('switches a cycle\'s shared slot from member to member by image updates', async () => {
    const member = (id: string) => ({ id, task: sh('printf \'"%s"\' "$FAKE_IMAGE" > "$STRATA_OUTPUTS/result.json"', `img/${id}`) });
    const p = await start({ sequence: [{ id: 'ring', cycle: { rounds: 2, ring: [member('a'), member('b')] } }] });
    const slot = p.layout.pools[0].slots[0].name;
    const done = await p.finish();
    expect(done.ok).toBe(true);
    expect(p.slots.switches).toEqual([[slot, 'img/b'], [slot, 'img/a'], [slot, 'img/b']]);
    for (const [step, image] of [['p/ring/a#0', 'img/a'], ['p/ring/b#0', 'img/b'], ['p/ring/a#1', 'img/a'], ['p/ring/b#1', 'img/b']]) {
      expect(p.last(step)?.result).toBe(image);
    }
  });

  it('stops a step that runs past its timeout', async () => {
    const p = await start({ id: 'a', timeout: 1, task: sh('sleep 60') });
    const done = await p.finish();
    expect(done.ok).toBe(false);
    expect(p.last('p/a')).toMatchObject({ status: 'failed', error: 'timed out after 1s' });
    // The pod's outcome says it was a timeout by its reason (a pod failed so failed, not errored).
    expect(done).toMatchObject({ status: 'failed', reason: 'timeout' });
  });
});
