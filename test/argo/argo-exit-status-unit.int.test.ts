/**
 * A WorkflowTemplate template that reads `{{workflow.status}}` (a shared notify-on-exit
 * handler, Argo tester 6, Q8): Argo validates it (validate.go ValidateWorkflow puts
 * workflow.status among the global parameters before it checks the templates), and when a
 * Workflow's exit handler calls it by templateRef the value is that run's status. Through
 * the real stack: `strata apply` of the WorkflowTemplate, the Workflow sent as it is to
 * `POST /v1/runs`, run on the local runtime.
 */
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runStrata } from '../support/processes.ts';
import { cliEnv, useRunService } from '../support/use-run-service.ts';
import { argoFixtures } from '../support/documents.ts';

const svc = useRunService();
const env = cliEnv(svc);
const { dir: DIR, read } = argoFixtures('tester-6');

beforeAll(async () => {
  const out = await runStrata(['apply', join(DIR, 'wt-notify.yaml')], env);
  expect(out.code, out.stdout + out.stderr).toBe(0);
});

describe('{{workflow.status}} in a WorkflowTemplate template (Q8)', () => {
  it('called by templateRef from a Workflow\'s exit handler, it reads the calling run\'s status', async () => {
    const r = await svc.runToEnd(read('notify-on-exit.yaml'));
    expect(r.status, JSON.stringify(r.steps)).toBe('failed');
    const notify = r.steps['main/onExit/notify'];
    expect(notify?.status, JSON.stringify(r.steps)).toBe('succeeded');
    expect(String(notify?.result)).toMatch(/^to #oncall: workflow \S+ is Failed$/);
  });

  it('called outside an exit handler, the Workflow is refused (400) naming the call', async () => {
    const r = await svc.call('POST', '/v1/runs', read('notify-outside-exit.yaml'));
    expect(r.status, JSON.stringify(r.body)).toBe(400);
    const text = JSON.stringify(r.body);
    expect(text).toContain('template main, step notify');
    expect(text).toContain('{{workflow.status}}');
  });

  it('a WorkflowTemplate edited to read it after the one calling it was applied: the run resolves the edit and passes the status down (relinked at the run\'s start)', async () => {
    for (const f of ['leaf-notify-v1.yaml', 'mid-notify.yaml', 'leaf-notify-v2.yaml']) {
      const out = await runStrata(['apply', join(DIR, f)], env);
      expect(out.code, out.stdout + out.stderr).toBe(0);
    }
    const r = await svc.runToEnd(read('notify-through-mid.yaml'));
    expect(r.status, JSON.stringify(r.steps)).toBe('failed');
    expect(r.steps['main/onExit/notify/leaf']?.result, JSON.stringify(r.steps)).toBe('leaf v2: Failed');
  });
});
