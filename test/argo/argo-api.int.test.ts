/**
 * `POST /v1/runs` with an Argo document as its body, through real HTTP and Redis: it is read
 * as Argo reads YAML and imported in the API's worker threads; what cannot be mapped is a
 * 400 naming the field and its template, and nothing is started or stored.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRunService, type RunTestService } from '../support/run-service.ts';

const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'argo');
let svc: RunTestService;
beforeAll(async () => {
  svc = await startRunService();
});
afterAll(async () => svc?.close());

const runCount = async () => (await svc.call('GET', '/v1/runs')).body.runs.length as number;

describe('POST /v1/runs with an Argo Workflow or WorkflowTemplate', () => {
  it('refuses an unmappable template with a 400 naming the field and the template, and starts nothing', async () => {
    const before = await runCount();
    const r = await svc.call('POST', '/v1/runs', readFileSync(join(FIXTURES, 'bad', 'suspend.yaml'), 'utf8'));
    expect(r.status).toBe(400);
    expect(r.body.error.message).toContain('spec.templates[1](wait).suspend: Argo field "suspend" is not supported');
    expect(await runCount()).toBe(before);
  });

  it('reads the body as Argo reads YAML (an argument going on at its parent\'s indentation)', async () => {
    const body = readFileSync(join(FIXTURES, 'lenient.yaml'), 'utf8').replace('    container:', '    suspend: {}\n    container:');
    const r = await svc.call('POST', '/v1/runs', body);
    expect(r.status).toBe(400);
    // The error is the import's, so the YAML was read: the strict reading refuses this text.
    expect(r.body.error.message).toContain('spec.templates[0](main).suspend');
  });

  it('looks templateRefs up among the registered flows, and says when none is there', async () => {
    const body = readFileSync(join(FIXTURES, 'template-ref.yaml'), 'utf8').split('\n---\n')[1];
    const r = await svc.call('POST', '/v1/runs', body);
    expect(r.status).toBe(400);
    expect(r.body.error.message).toContain('templateRef greetings/greet: no WorkflowTemplate greetings with template greet is given or registered');
  });

  it('runs a WorkflowTemplate from its entrypoint, its templates registered as flows (as argo submit --from)', async () => {
    const r = await svc.call('POST', '/v1/runs', readFileSync(join(FIXTURES, 'submit-template.yaml'), 'utf8'));
    expect(r.status, r.text).toBe(202);
    const run = await svc.waitRun(r.body.runId);
    expect(run.status, JSON.stringify(run.steps)).toBe('succeeded');
    expect(run.steps.say.result).toBe('hey');
    expect(run.steps.shout.result).toBe('HEY');
    expect(Date.parse(run.steps.say.finishedAt!)).toBeLessThanOrEqual(Date.parse(run.steps.shout.startedAt!));
    expect((await svc.call('GET', '/v1/flows/shout-template.upper')).status).toBe(200);
  });

  it('refuses a WorkflowTemplate without an entrypoint: nothing to run, nothing stored', async () => {
    const before = await runCount();
    const body = readFileSync(join(FIXTURES, 'submit-template.yaml'), 'utf8').replace('name: shout-template', 'name: no-entry').replace('  entrypoint: main\n', '');
    const r = await svc.call('POST', '/v1/runs', body);
    expect(r.status).toBe(400);
    expect(r.body.error.message).toContain('WorkflowTemplate no-entry has no spec.entrypoint, so there is nothing to run');
    expect(await runCount()).toBe(before);
    expect((await svc.call('GET', '/v1/flows/no-entry.upper')).status).toBe(404);
  });

  it('takes an Argo document sent as JSON too', async () => {
    const doc = { apiVersion: 'argoproj.io/v1alpha1', kind: 'Workflow', metadata: { name: 'j' }, spec: { entrypoint: 'm', templates: [{ name: 'm', resource: { action: 'create' } }] } };
    const r = await svc.call('POST', '/v1/runs', doc);
    expect(r.status).toBe(400);
    expect(r.body.error.message).toContain('spec.templates[0](m).resource: Argo field "resource" is not supported');
  });
});
