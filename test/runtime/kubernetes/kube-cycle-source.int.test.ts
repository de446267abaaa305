/**
 * A micro cycle whose source cannot be read, in a pod on a STAND-IN API server
 * (test/support/fake-kube-api: not Kubernetes) whose kubelet runs real processes: the real
 * Kubernetes quarterback (sidecar/entrypoint/kube-bin.js) reads the source and fails the
 * cycle, and the pod with it, naming why, as the local runtime's quarterback does (b288e48,
 * test/api/duplicate-keys.int.test.ts): the cycle is `failed`, not `cancelled`, and none of
 * its ring ran past the window that could not be read.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LocalRuntime } from '../../../runtime/local/local-runtime.ts';
import type { PodReport, StepReport } from '../../../runtime/pod-runtime.ts';
import { runPod, type FakeCluster } from './support/fake-cluster.ts';
import { podOf, podRequest, sh } from './support/flows.ts';
import { processCluster, QUARTERBACK_IMAGE, SHARED_CLAIM } from './support/process-cluster.ts';

let c: FakeCluster;
beforeEach(async () => {
  c = await processCluster();
});
afterEach(async () => {
  await c.close();
});

/** The last state and error each step reported. */
function finalSteps(reports: PodReport[]): Record<string, { status: string; error?: string }> {
  const out: Record<string, { status: string; error?: string }> = {};
  for (const r of reports) if (r.type === 'step') out[r.step] = { status: (r as StepReport).status, ...((r as StepReport).error ? { error: (r as StepReport).error } : {}) };
  return out;
}

const cases: Array<{ what: string; source: (shared: string) => string; roots?: (shared: string) => string[]; says: string; ringRan?: string[] }> = [
  {
    what: 'a redis-stream source (not read inside a pod)',
    source: () => 'redis-stream://events',
    says: 'cycle p/ring: source redis-stream://events cannot be read inside a pod',
  },
  {
    what: 'a file outside STRATA_FILE_ROOTS',
    source: (shared) => {
      writeFileSync(join(shared, 'outside.jsonl'), '{"v":1}\n');
      return `file://${join(shared, 'outside.jsonl')}`;
    },
    roots: (shared) => [join(shared, 'allowed')],
    says: 'is outside the directories this service reads (STRATA_FILE_ROOTS)',
  },
  {
    what: 'a line with a key given twice',
    source: (shared) => {
      writeFileSync(join(shared, 'twice.jsonl'), '{"v":1}\n{"v":1,"v":2}\n');
      return `file://${join(shared, 'twice.jsonl')}`;
    },
    says: 'twice.jsonl: line 2.v: the key "v"',
    // Round 0's window (line 1) is read and runs; round 1's fails the cycle.
    ringRan: ['p/ring/a#0'],
  },
];

describe('a micro cycle whose source cannot be read, on the stand-in cluster', () => {
  for (const k of cases) {
    it(`fails the cycle and the pod, naming why, as the local runtime does: ${k.what}`, async () => {
      const source = k.source(c.shared);
      const roots = k.roots?.(c.shared);
      const flow = { sequence: [{ id: 'ring', cycle: { source, window: { size: 1 }, ring: [{ id: 'a', task: sh('echo "$STRATA_ITEM"') }] } }, { id: 'after', task: sh('true') }] };
      const ran = await runPod(c.runtime({ quarterbackImage: QUARTERBACK_IMAGE, sharedClaim: SHARED_CLAIM, ...(roots ? { fileRoots: roots } : {}) }), podRequest(podOf(flow), { shared: c.shared }));
      expect(ran.outcome.ok).toBe(false);
      expect(ran.outcome.error).toContain(k.says);
      const steps = finalSteps(ran.reports);
      expect(steps['p/ring']?.status).toBe('failed');
      expect(steps['p/ring']?.error).toContain(k.says);
      expect(steps['p/after']?.status).toBe('skipped');
      const ring = Object.entries(steps).filter(([s]) => s.startsWith('p/ring/'));
      expect(ring.map(([s]) => s)).toEqual(k.ringRan ?? []);
      expect(ring.every(([, v]) => v.status === 'succeeded')).toBe(true);

      const local = new LocalRuntime(roots ? { fileRoots: roots } : {});
      const localReports: PodReport[] = [];
      const localOutcome = await local.run(podRequest(podOf(flow), { shared: c.shared }, { runId: 'r1-local' }), (r) => localReports.push(r), new AbortController().signal);
      expect(localOutcome.ok).toBe(false);
      expect(Object.fromEntries(Object.entries(finalSteps(localReports)).map(([s, v]) => [s, v.status]))).toEqual(Object.fromEntries(Object.entries(steps).map(([s, v]) => [s, v.status])));
    });
  }
});
