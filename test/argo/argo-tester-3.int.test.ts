/**
 * Faults of the fourth Argo tester round (issue 12, /work/tools/reports/argo-tester-3.md),
 * through the real stack: documents sent as they are to `POST /v1/runs`, run on the local
 * runtime with real HTTP, Redis, BullMQ and processes, checked by their outcome; and
 * `strata import argo` as a real process, for what the import makes of them.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RunView } from '../../src/run/run-view.ts';
import { runStrata } from '../support/processes.ts';
import { useRunService } from '../support/use-run-service.ts';

const svc = useRunService();
const DIR = join(import.meta.dirname, '..', 'fixtures', 'argo', 'tester-3');
const read = (name: string): string => readFileSync(join(DIR, name), 'utf8');
const post = (body: unknown): Promise<RunView> => svc.runToEnd(body);
/** The items a loop step ran: its children `name/0`, `name/1`, ... with their results, in order. */
const items = (r: RunView, name: string): unknown[] =>
  Object.keys(r.steps)
    .filter((k) => new RegExp(`^${name}/[0-9]+$`).test(k))
    .sort((a, b) => Number(a.split('/')[1]) - Number(b.split('/')[1]))
    .map((k) => r.steps[k].result);

describe('withSequence with a count of 0 gives no items (N7)', () => {
  it('a count of 0, written or from a parameter, runs no item; other counts and countdowns as before', async () => {
    const r = await post(read('seq-count0.yaml'));
    expect(r.status, JSON.stringify(r.steps)).toBe('succeeded');
    expect(items(r, 'literal')).toEqual([]);
    expect(items(r, 'from-param')).toEqual([]);
    expect(items(r, 'param-three')).toEqual(['i5', 'i6', 'i7']);
    expect(items(r, 'countdown')).toEqual([5, 4]);
    expect(r.steps.after.status).toBe('succeeded');
  });

  it('strata import argo writes a written count of 0 as no items, a parameter\'s as a check at the run', async () => {
    const out = await runStrata(['import', 'argo', join(DIR, 'seq-count0.yaml'), '-o', 'json']);
    expect(out.code, out.stderr).toBe(0);
    const flow = JSON.parse(out.stdout) as { spec: { root: { graph: { nodes: Record<string, { fanOut?: { over: unknown } }> } } } };
    const over = (id: string) => flow.spec.root.graph.nodes[id]?.fanOut?.over;
    expect(over('literal')).toEqual([]);
    expect(over('from-param')).toEqual({ if: [{ '==': [{ int: { var: 'params.n' } }, 0] }, [], expect.objectContaining({ range: expect.any(Array) })] });
  });
});
