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
