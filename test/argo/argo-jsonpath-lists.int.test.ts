/**
 * Argo tester 6, Q11: `jsonpath()` with a wildcard that matched one element gave the element,
 * so a withParam over it failed exactly when there was one item. Argo's jsonpath
 * (github.com/evilmonkeyinc/jsonpath) returns an array for a wildcard, recursive descent,
 * union or slice whatever its count. Through the real stack: the Workflow sent as it is to
 * POST /v1/runs, run on the local runtime, checked by what the steps printed.
 */
import { describe, expect, it } from 'vitest';
import { loopItemIds } from '../support/loop-items.ts';
import { useRunService } from '../support/use-run-service.ts';
import { argoFixtures } from '../support/documents.ts';

const svc = useRunService();
const { read } = argoFixtures('tester-6/jsonpath');

describe('jsonpath over a list of one', () => {
  it('a wildcard gives a list of one, so withParam fans out over one item; none gives an empty list; a single index gives the value', async () => {
    const r = await svc.runToEnd(read('jsonpath-one.yaml'));
    expect(r.status, JSON.stringify(r.steps)).toBe('succeeded');
    expect(loopItemIds(r, 'each').map((k) => r.steps[k].result)).toEqual(['item=only-one']);
    expect(loopItemIds(r, 'none')).toEqual([]);
    expect(r.steps.show.result).toBe('names=["only-one"] deep=["only-one"] slice=[{"name":"only-one"}] one=only-one');
  });
});
