/**
 * `withParam: ""` is no loop: Argo's ShouldExpand asks `WithParam != ""` (steps.go
 * expandStepGroup, dag.go expandTask: an empty withParam is never parsed), so the step or
 * task runs once, as without it, and `{{item}}` in it is refused as Argo's validation does
 * (addItemsToScope adds `item` only for a withParam that is not empty). Through the real
 * stack: the Workflows sent as they are to `POST /v1/runs`, run on the local runtime.
 */
import { describe, expect, it } from 'vitest';
import { useRunService } from '../support/use-run-service.ts';
import { argoFixtures } from '../support/documents.ts';

const svc = useRunService();
const { read } = argoFixtures('tester-6');

describe('withParam: "" (empty text)', () => {
  it('a step and a DAG task with it each run once, not as a loop', async () => {
    const r = await svc.runToEnd(read('empty-with-param.yaml'));
    expect(r.status, JSON.stringify(r.steps)).toBe('succeeded');
    const result = (id: string) => r.steps[id]?.result;
    expect([result('once'), result('graph/t'), result('graph/after')]).toEqual(['step', 'task', 'after task']);
    expect(Object.keys(r.steps).filter((id) => /\/0$/.test(id))).toEqual([]);
  });

  it('{{item}} in such a step is refused (400) naming the step, as Argo\'s validation refuses it', async () => {
    const r = await svc.call('POST', '/v1/runs', read('empty-with-param-item.yaml'));
    expect(r.status, JSON.stringify(r.body)).toBe(400);
    const text = JSON.stringify(r.body);
    expect(text).toContain('template main, step once');
    expect(text).toContain('{{item}}');
  });
});
