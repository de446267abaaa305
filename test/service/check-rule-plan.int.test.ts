/**
 * A rule's literal emit is planned when it is registered (src/service/check-rule-plan.ts):
 * a refusal of it lists its problems at their places under spec.emit, cut at MAX_PROBLEMS
 * as every refusal is, the rest counted and the limits they passed still named. Real
 * service over HTTP, STRATA_MAX_UNIT_DEPTH lowered to 1.
 */
import { describe, expect, it } from 'vitest';
import { useRunService } from '../support/use-run-service.ts';

const svc = useRunService({ STRATA_MAX_UNIT_DEPTH: '1' });
const flow = (name: string, root: unknown) => ({ apiVersion: 'strata/v1', kind: 'Flow', metadata: { name, version: '1' }, spec: { root } });

describe('POST /v1/rules: an emit refused for more problems than a refusal lists', () => {
  it('says how many more, and names the limit one of those left out passed', async () => {
    expect((await svc.call('POST', '/v1/flows', flow('b', { id: 't', task: { image: 'strata/noop' } }))).status).toBe(201);
    expect((await svc.call('POST', '/v1/flows', flow('a', { use: 'b@1' }))).status).toBe(201);
    // Planned, 51 uses give an input their unit does not declare, then a@1 uses b@1: units nested 2 deep, past STRATA_MAX_UNIT_DEPTH=1.
    const nodes = Object.fromEntries([...Array.from({ length: 51 }, (_, i) => [`s${i}`, { use: 'b@1', inputs: { nope: 't:out' } }]), ['deep', { use: 'a@1' }]]);
    const rule = { apiVersion: 'strata/v1', kind: 'Rule', metadata: { name: 'many' }, spec: { priority: 1, when: true, emit: { graph: { nodes } } } };
    const r = await svc.call('POST', '/v1/rules', rule);
    expect(r.status, r.text).toBe(400);
    const error = r.body.error as { message: string; details: { problems: Array<{ path: string }>; moreProblems?: number; limits?: string[] } };
    expect(error.details.problems.length).toBe(50);
    expect(error.details.problems.every((p) => p.path.startsWith('spec.emit'))).toBe(true);
    expect(error.details.moreProblems).toBeGreaterThan(0);
    expect(error.message).toMatch(/\n\.\.\. and \d+ more problems?$/);
    expect(error.details.limits).toEqual(['STRATA_MAX_UNIT_DEPTH']);
    expect((await svc.call('GET', '/v1/rules')).body.rules.map((x: { name: string }) => x.name)).not.toContain('many');
  });
});
