/**
 * Issue 9: the size limits are configuration (STRATA_MAX_*), applied by the service's
 * planning threads: a raised limit lets through what the default refuses, a lowered one
 * refuses with a 4xx naming the limit and its variable, never a 5xx, nothing stored.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestService, type TestService } from '../support/test-service.ts';

const yaml = (file: string) => readFileSync(file, 'utf8');
const DEEP_FLOW = yaml('test/fixtures/flows/bad/too-deep.yaml'); // 50 levels
const DEEP_TREE = yaml('test/fixtures/datasets/deep-tree.yaml'); // 70 levels
const FAN_OUT = yaml('test/fixtures/limits/fan-out-12.yaml');
const TWELVE = yaml('test/fixtures/limits/twelve-tasks.yaml');

let byDefault: TestService;
let raised: TestService;
let lowered: TestService;
beforeAll(async () => {
  [byDefault, raised, lowered] = await Promise.all([
    startTestService(),
    startTestService({ STRATA_MAX_FLOW_DEPTH: '60', STRATA_MAX_TREE_DEPTH: '80', STRATA_MAX_TEXT_NESTING: '300' }),
    startTestService({ STRATA_MAX_RUN_STEPS: '10', STRATA_MAX_DOCUMENT_NODES: '14', STRATA_MAX_FANOUT_ITEMS: '5' }),
  ]);
});
afterAll(async () => {
  await Promise.all([byDefault?.close(), raised?.close(), lowered?.close()]);
});

describe('limits raised by configuration let through what the defaults refuse', () => {
  it('a flow nested 50 levels deep (STRATA_MAX_FLOW_DEPTH)', async () => {
    const refused = await byDefault.call('POST', '/v1/plans', DEEP_FLOW);
    expect(refused.status).toBe(400);
    expect(refused.text).toContain('nodes nested more than 48 levels deep, the limit (STRATA_MAX_FLOW_DEPTH)');
    expect((await raised.call('POST', '/v1/plans', DEEP_FLOW)).status).toBe(200);
  });

  it('a Dataset whose tree is 70 levels deep (STRATA_MAX_TREE_DEPTH), through the rules to a plan', async () => {
    const refused = await byDefault.call('POST', '/v1/rules/explain', DEEP_TREE);
    expect(refused.status).toBe(400);
    expect(refused.text).toContain('tree deeper than 64 levels, the limit (STRATA_MAX_TREE_DEPTH)');
    const explained = await raised.call('POST', '/v1/rules/explain', DEEP_TREE);
    expect(explained.status).toBe(200);
    expect(explained.body.plan.stepCount).toBe(70);
  });

  it('a body nested 280 levels deep (STRATA_MAX_TEXT_NESTING)', async () => {
    const deep = { apiVersion: 'strata/v1', kind: 'Flow', metadata: { name: 'nested-params', version: '1' }, spec: { params: { p: JSON.parse(`${'['.repeat(280)}${']'.repeat(280)}`) }, root: { task: { image: 'strata/noop' } } } };
    const refused = await byDefault.call('POST', '/v1/plans', deep);
    expect(refused.status).toBe(413);
    expect(refused.text).toContain('nested more than 256 levels deep (STRATA_MAX_TEXT_NESTING)');
    expect((await raised.call('POST', '/v1/plans', deep)).status).toBe(200);
  });
});

describe('limits lowered by configuration refuse with a 4xx naming the variable', () => {
  it('more steps in a plan than STRATA_MAX_RUN_STEPS: 422, and nothing registered', async () => {
    expect((await byDefault.call('POST', '/v1/plans', TWELVE)).status).toBe(200);
    const r = await lowered.call('POST', '/v1/flows', TWELVE);
    expect(r.status).toBe(422);
    expect(r.body.error).toMatchObject({ code: 'limit_exceeded', message: 'the plan has 12 steps, more than the limit of 10 (STRATA_MAX_RUN_STEPS)' });
    expect((await lowered.call('GET', '/v1/flows/twelve-tasks/1')).status).toBe(404);
  });

  it('more flow nodes in one document than STRATA_MAX_DOCUMENT_NODES: 400', async () => {
    const more = TWELVE.replace('      - { task: { image: strata/noop } }\n', '      - { task: { image: strata/noop } }\n      - { sequence: [{ task: { image: strata/noop } }] }\n');
    const r = await lowered.call('POST', '/v1/plans', more);
    expect(r.status).toBe(400);
    expect(r.text).toContain('more than 14 nodes in one document, the limit (STRATA_MAX_DOCUMENT_NODES)');
  });

  it('a dry run that would make more steps than STRATA_MAX_RUN_STEPS: 422; one whose fan-out has more items than STRATA_MAX_FANOUT_ITEMS: a failed simulated run saying so', async () => {
    const fine = await byDefault.call('POST', '/v1/plans?dryRun=true', FAN_OUT);
    expect(fine.body.dryRun.status).toBe('succeeded');
    // 4 items of 4 items: 21 steps at run time, no fan-out over 5 items.
    const nested = { apiVersion: 'strata/v1', kind: 'Flow', metadata: { name: 'nested', version: '1' }, spec: { root: { fanOut: { over: [1, 2, 3, 4], as: 'a', do: { fanOut: { over: [1, 2, 3, 4], as: 'b', do: { task: { image: 'strata/noop' } } } } } } } };
    expect((await byDefault.call('POST', '/v1/plans?dryRun=true', nested)).body.dryRun.status).toBe('succeeded');
    const steps = await lowered.call('POST', '/v1/plans?dryRun=true', nested);
    expect(steps.status).toBe(422);
    expect(steps.body.error.message).toContain('more than the 10 steps a run may make (STRATA_MAX_RUN_STEPS)');
    const five = FAN_OUT.replace('[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]', '[1, 2, 3, 4, 5, 6, 7, 8]');
    const items = await lowered.call('POST', '/v1/plans?dryRun=true', five);
    expect(items.status).toBe(200);
    expect(items.body.dryRun).toMatchObject({ status: 'failed', error: 'fanOut.over gave 8 items, more than the limit of 5 (STRATA_MAX_FANOUT_ITEMS)' });
  });
});
