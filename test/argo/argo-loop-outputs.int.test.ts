/**
 * A loop's aggregated output parameter (Argo tester 5, P5): the values of the items that
 * succeeded, in item order, as JSON records when every one is a JSON object or list (Argo's
 * aggregatedJSONValueList), so `withParam` fans out over them; a failed item left out, never
 * null. Through the real stack: documents sent as they are to `POST /v1/runs`, run on the
 * local runtime with real HTTP, Redis, BullMQ and processes, at both levels.
 */
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { RunView } from '../../src/run/run-view.ts';
import { loopItemIds } from '../support/loop-items.ts';
import { useRunService } from '../support/use-run-service.ts';
import { argoFixtures } from '../support/documents.ts';
import { LEVELS } from '../support/levels.ts';
import { runAtLevel } from '../support/level-runs.ts';

const svc = useRunService();
const { dir: DIR, read } = argoFixtures('loop-outputs');

/** The results of the items of loop `name` (`name/0`, `name/1`, ...), in item order. */
const items = (r: RunView, name: string): unknown[] => loopItemIds(r, name).map((k) => r.steps[k].result);

describe('a loop\'s output parameter aggregates as Argo aggregates it', () => {
  it('Argo: JSON records are a list of records withParam goes over; texts stay texts; a failed item is left out', async () => {
    const r = await svc.runToEnd(read('aggregate-records.yaml'));
    expect(r.status, JSON.stringify(r.steps)).toBe('succeeded');
    expect(r.steps['partly/1'].status).toBe('failed');
    expect(items(r, 'each')).toEqual(['name=job-1 size=1.50', 'name=job-2 size=2']);
    expect(r.steps.show.result).toBe('records=[{"name":"job-1","size":1.50},{"name":"job-2","size":2}] texts=["1.50","abc","{\\"a\\": 1}"] partly=["got-a","got-c"]');
  });

  it('strata flows, at both levels: a fan-out over the records another fan-out gave', async () => {
    const r = await svc.runToEnd({ flow: parse(read('aggregate-records-native.yaml')) });
    expect(r.status, JSON.stringify(r.steps)).toBe('succeeded');
    expect(items(r, 'each')).toEqual(['{"name":"m-1","size":1.50}', [1, 2]]);
    expect(items(r, 'pod/each')).toEqual(['p-1', 'p-2']);
    expect(r.steps['pod/show'].result).toEqual(['1.50', 'abc']);
  });
});

describe('a loop\'s outputs.result aggregates as Argo aggregates it (Argo tester 6, Q17)', () => {
  it('Argo: items that print JSON objects give a list of objects withParam goes over; other texts stay texts', async () => {
    const r = await svc.runToEnd(read('aggregate-results.yaml'));
    expect(r.status, r.error ?? JSON.stringify(r.steps)).toBe('succeeded');
    expect(r.steps.show.result).toBe('all=[{"name":"job-1","n":1.50},{"name":"job-2","n":2.50}] mixed=[{"a":1.50},"plain",[1,2]]');
    expect(items(r, 'each')).toEqual(['name=job-1 n=1.50', 'name=job-2 n=2.50']);
  });

  describe.each(LEVELS)('strata, $name', (level) => {
    it('a fan-out whose items give text results holding JSON objects has a list of objects; the next fan-out reads item.name', async () => {
      const text = (script: string) => ({ task: { image: 'alpine', command: ['sh', '-c', script, 'sh', '{{ item }}'], result: 'text' } });
      const root = {
        sequence: [
          { id: 'objs', fanOut: { over: ['{"name": "m-1", "size": 1.50}', 'plain', '[1, 2]'], do: text('printf "%s" "$1"') } },
          { id: 'each', fanOut: { over: { filter: [{ var: `results.${level.prefix}objs` }, { '!!': [{ var: 'name' }] }] }, do: { task: { image: 'alpine', command: ['echo', '{{ item.name }} {{ item.size }}'], result: 'stdout' } } } },
        ],
      };
      const { run, steps } = await runAtLevel(svc, level, root);
      expect(run.status, run.error ?? JSON.stringify(run.steps)).toBe('succeeded');
      expect(steps.objs.result).toEqual([{ name: 'm-1', size: 1.5 }, 'plain', [1, 2]]);
      expect(steps['each/0'].result).toBe('m-1 1.50');
    });
  });
});
