/**
 * Argo tester 7, R2: a template's input parameter written with both `value` and `default`
 * and given no argument takes its `value`, as Argo's overwriteWithDefaultParams sets the
 * default only when the value is nil (workflow/common/util.go); an argument still wins.
 * strata took the default. Through the real stack: the Workflows sent as they are to
 * `POST /v1/runs`, run on the local runtime.
 */
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { useRunService } from '../support/use-run-service.ts';
import { argoFixtures } from '../support/documents.ts';

const svc = useRunService();
const { read } = argoFixtures('tester-7');

describe('an input parameter with both value and default', () => {
  it('takes its value when a step gives no argument, the argument when one does', async () => {
    const r = await svc.runToEnd(read('input-value-default.yaml'));
    expect(r.status, JSON.stringify(r.steps)).toBe('succeeded');
    expect([r.steps.noarg?.result, r.steps.witharg?.result]).toEqual(['x=X-value g=G-value', 'x=ARG g=G-value']);
  });

  it('takes its value in the entry template, given no argument', async () => {
    const r = await svc.runToEnd(read('entry-input-value-default.yaml'));
    expect(r.status, JSON.stringify(r.steps)).toBe('succeeded');
    expect(Object.values(r.steps).map((s) => s.result)).toEqual(['x=X-value']);
  });
});

/**
 * Argo tester 7, R1: a tag in an input's own value or default (`{{workflow.parameters.x}}`)
 * was passed on as its text, so a step wrote to `s3://{{workflow.parameters.bucket}}/out`
 * and a `when` over such an input skipped even with `deploy=true`. Argo substitutes the
 * globals over the template, its inputs included (SubstituteParams).
 */
describe('a workflow parameter in an input\'s own value or default', () => {
  it('is read when a called template takes its default or value, and follows the run\'s params', async () => {
    const r = await svc.runToEnd(read('input-default-global.yaml'));
    expect(r.status, JSON.stringify(r.steps)).toBe('succeeded');
    expect(r.steps.upload?.result).toBe('uploading to s3://my-bucket/out');
    expect(r.steps['maybe-deploy/go']?.status).toBe('skipped');
    const deployed = await svc.runToEnd({ flow: parse(read('input-default-global.yaml')), params: { deploy: 'true' } });
    expect(deployed.status, JSON.stringify(deployed.steps)).toBe('succeeded');
    expect(deployed.steps['maybe-deploy/go']?.result).toBe('DEPLOYING');
  });
});
