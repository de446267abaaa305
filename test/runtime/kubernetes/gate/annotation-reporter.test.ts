/** The quarterback's report annotation: one patch in flight, bursts coalesced, numbering carried on after a restart, output parameters too large for it (the pod's, a micro step's) written to the pod's outputs dir. */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeReport, encodeReport, PARAMETERS_BUDGET, POD_PARAMETERS_FILE, stepParametersFile, type ReportDoc } from '../../../../runtime/kubernetes/report-protocol.ts';
import { AnnotationReporter } from '../../../../sidecar/entrypoint/annotation-reporter.ts';
import type { OwnPod } from '../../../../sidecar/entrypoint/own-pod.ts';

/** A pod whose patches wait until the test lets them through. */
function gatedPod() {
  const patches: ReportDoc[] = [];
  const waiting: Array<() => void> = [];
  const pod: OwnPod = {
    get: async () => ({}),
    patch: (body) => {
      patches.push(decodeReport((body as { metadata: { annotations: Record<string, string> } }).metadata.annotations['strata.dev/report'])!);
      return new Promise<void>((r) => waiting.push(r));
    },
  };
  return { pod, patches, release: () => waiting.splice(0).forEach((r) => r()) };
}
/** `fn` with a fresh outputs dir, removed after; `parameters` over the report's budget and their JSON's bytes. */
async function withOutputsDir(fn: (dir: string, parameters: Record<string, string>, bytes: number) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'strata-reporter-'));
  const parameters = { big: 'x'.repeat(PARAMETERS_BUDGET), small: 's' };
  try {
    await fn(dir, parameters, Buffer.byteLength(JSON.stringify(parameters)));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
const step = (n: number) => ({ type: 'step' as const, step: `p/s${n}`, status: 'succeeded' as const, at: n });

describe('annotation reporter', () => {
  it('sends what arrived during a patch in the next one', async () => {
    const { pod, patches, release } = gatedPod();
    const r = new AnnotationReporter(pod);
    r.push(step(1));
    for (let i = 2; i <= 50; i++) r.push(step(i));
    r.push({ type: 'done', ok: true, status: 'succeeded', result: 1 });
    r.push({ type: 'log', step: 'p/s1', stream: 'stdout', chunk: 'not reported here' });
    const settled = r.settled();
    while (patches.length < 2) {
      release();
      await new Promise((res) => setImmediate(res));
    }
    release();
    await settled;
    expect(patches.map((p) => p.seq)).toEqual([1, 50]);
    expect(patches[1].events.map((e) => e.seq)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    expect(patches[1].done).toEqual({ ok: true, status: 'succeeded', result: 1 });
  });

  // R3: a container's end and the ask for the next one's step come in one tick; the ask alone
  // changes no event, and was dropped once the patch of the end came back (the pod waited on).
  it('sends an ask for steps that arrived during a patch, though no event came with it', async () => {
    const { pod, patches, release } = gatedPod();
    const r = new AnnotationReporter(pod);
    r.push(step(1));
    r.push({ type: 'ask', steps: 5 });
    let settled = false;
    void r.settled().then(() => (settled = true));
    while (!settled) {
      release();
      await new Promise((res) => setImmediate(res));
    }
    expect(patches.map((p) => [p.seq, p.ask])).toEqual([[1, undefined], [1, 5]]);
  });

  it('numbers on from the report already on the pod', async () => {
    const { pod, patches, release } = gatedPod();
    const r = new AnnotationReporter(pod, { initial: { v: 1, seq: 5, events: [{ ...step(5), seq: 5 }] } });
    r.push(step(6));
    const settled = r.settled();
    release();
    await new Promise((res) => setImmediate(res));
    release();
    await settled;
    expect(patches[0].events.map((e) => e.seq)).toEqual([5, 6]);
  });

  it('tries a failed patch again', async () => {
    let calls = 0;
    const pod: OwnPod = { get: async () => ({}), patch: async () => { if (++calls < 3) throw new Error('503'); } };
    const r = new AnnotationReporter(pod, { retryMs: 1 });
    r.push(step(1));
    await r.settled();
    expect(calls).toBe(3);
  });

  it('writes the pod\'s output parameters too large for the report whole to its outputs dir, the report saying their names and bytes; without a dir the pod fails, saying so', async () => {
    await withOutputsDir(async (dir, parameters, bytes) => {
      const { pod, patches, release } = gatedPod();
      const r = new AnnotationReporter(pod, { outputsDir: dir });
      r.push({ type: 'done', ok: true, status: 'succeeded', result: 1, parameters });
      release();
      await r.settled();
      expect(patches[0].done).toEqual({ ok: true, status: 'succeeded', result: 1, parametersOmitted: { names: ['big', 'small'], bytes } });
      expect(JSON.parse(readFileSync(join(dir, POD_PARAMETERS_FILE), 'utf8'))).toEqual(parameters);
      const lost = gatedPod();
      const without = new AnnotationReporter(lost.pod);
      without.push({ type: 'done', ok: true, status: 'succeeded', result: 1, parameters });
      lost.release();
      await without.settled();
      expect(lost.patches[0].done).toMatchObject({ ok: false, status: 'failed', result: 1 });
      expect(lost.patches[0].done?.error).toContain(`the pod's output parameters (big, small: ${bytes} bytes) are too large for the pod's report and could not be written`);
    });
  });

  it('writes a micro step\'s output parameters too large for its event whole to the pod\'s outputs dir, the event naming the file; without a dir the event says only names and bytes', async () => {
    await withOutputsDir(async (dir, parameters, bytes) => {
      const r = new AnnotationReporter({ get: async () => ({}), patch: async () => undefined }, { outputsDir: dir });
      r.push(step(1));
      r.push({ ...step(2), parameters });
      await r.settled();
      const event = r.current().events.find((e) => e.seq === 2)!;
      expect(event.parameters).toBeUndefined();
      expect(event.parametersOmitted).toEqual({ names: ['big', 'small'], bytes, file: stepParametersFile(2) });
      expect(readFileSync(join(dir, stepParametersFile(2)), 'utf8')).toBe(JSON.stringify(parameters));
      const lost = gatedPod();
      const without = new AnnotationReporter(lost.pod);
      without.push({ ...step(1), parameters });
      lost.release();
      await without.settled();
      expect(lost.patches[0].events[0].parametersOmitted).toEqual({ names: ['big', 'small'], bytes });
    });
  });

  it('a report the API server refuses as too large (422) is made smaller, not tried again as it is: the oldest events dropped, then a done that fails saying why, its micro steps kept', async () => {
    const patches: ReportDoc[] = [];
    let room = 6000;
    const pod: OwnPod = {
      get: async () => ({}),
      patch: async (body) => {
        const text = (body as { metadata: { annotations: Record<string, string> } }).metadata.annotations['strata.dev/report'];
        if (text.length > room) throw Object.assign(new Error('metadata.annotations: Too long: must have at most 262144 bytes'), { code: 422 });
        patches.push(decodeReport(text)!);
      },
    };
    const r = new AnnotationReporter(pod, { retryMs: 1 });
    for (let i = 1; i <= 20; i++) {
      r.push({ ...step(i), error: 'e'.repeat(500) });
      await r.settled();
    }
    expect(patches.at(-1)!.events.at(-1)!.seq).toBe(20);
    expect(patches.every((p) => encodeReport(p).length <= room)).toBe(true);
    room = 3000;
    r.push({ type: 'done', ok: true, status: 'succeeded', result: 'r'.repeat(4000), steps: 7 });
    await r.settled();
    // The micro steps the pod made stay told: the run charges them (log version 6, step-budget.ts charge).
    expect(patches.at(-1)!.done).toMatchObject({ ok: false, status: 'failed', steps: 7 });
    expect(patches.at(-1)!.done!.error).toContain('the pod\'s report was refused by the API server');
    expect(patches.at(-1)!.done!.error).toContain('Too long: must have at most 262144 bytes');
  });
});
