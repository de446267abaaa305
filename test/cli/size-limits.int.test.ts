/**
 * Issue 9: the size limits are configuration (STRATA_MAX_*), and `strata plan` applies the
 * same ones as the service: a raised limit lets through what the default refuses, a
 * lowered one refuses with a sentence naming the limit and its variable (exit 2; a dry run
 * that fails on a limit exits non-zero too), and a bad value stops the command (exit 2).
 */
import { describe, expect, it } from 'vitest';
import { runStrata } from '../support/processes.ts';

const DEEP_FLOW = 'test/fixtures/flows/bad/too-deep.yaml'; // 50 levels
const DEEP_TREE = 'test/fixtures/datasets/deep-tree.yaml'; // 70 levels
const FAN_OUT = 'test/fixtures/limits/fan-out-12.yaml';
const TWELVE = 'test/fixtures/limits/twelve-tasks.yaml';

const noTrace = (r: { stdout: string; stderr: string }) => expect(r.stdout + r.stderr).not.toMatch(/\n\s+at /);

describe('strata plan with configured limits', () => {
  it('refuses a flow nested deeper than the default, naming STRATA_MAX_FLOW_DEPTH; raised, plans it', async () => {
    const refused = await runStrata(['plan', DEEP_FLOW]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/nodes nested more than 48 levels deep, the limit \(STRATA_MAX_FLOW_DEPTH\)/);
    noTrace(refused);
    const raised = await runStrata(['plan', DEEP_FLOW, '--dry-run'], { STRATA_MAX_FLOW_DEPTH: '60' });
    expect(raised.code).toBe(0);
    expect(JSON.parse(raised.stdout).order).toHaveLength(1);
  });

  it('refuses a Dataset tree deeper than the default, naming STRATA_MAX_TREE_DEPTH; raised, plans its generated flow', async () => {
    const refused = await runStrata(['plan', DEEP_TREE]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/tree deeper than 64 levels, the limit \(STRATA_MAX_TREE_DEPTH\)/);
    const raised = await runStrata(['plan', DEEP_TREE, '--dry-run'], { STRATA_MAX_TREE_DEPTH: '80' });
    expect(raised.code).toBe(0);
    // The hierarchy generator runs the tree bottom-up: one tick per level.
    expect(JSON.parse(raised.stdout).order).toHaveLength(70);
  });

  it('refuses a plan of more steps than STRATA_MAX_RUN_STEPS, and more flow nodes than STRATA_MAX_DOCUMENT_NODES', async () => {
    expect((await runStrata(['plan', TWELVE])).code).toBe(0);
    const steps = await runStrata(['plan', TWELVE], { STRATA_MAX_RUN_STEPS: '10' });
    expect(steps.code).toBe(2);
    expect(steps.stderr).toContain('the plan has 12 steps, more than the limit of 10 (STRATA_MAX_RUN_STEPS)');
    const nodes = await runStrata(['plan', TWELVE], { STRATA_MAX_DOCUMENT_NODES: '10' });
    expect(nodes.code).toBe(2);
    expect(nodes.stderr).toContain('more than 10 nodes in one document, the limit (STRATA_MAX_DOCUMENT_NODES)');
    noTrace(nodes);
  });

  it('a dry run stops at the run step limit (exit 2) and fails on the fan-out item limit (exit 1), each naming its variable', async () => {
    expect((await runStrata(['plan', FAN_OUT, '--dry-run'])).code).toBe(0);
    const steps = await runStrata(['plan', FAN_OUT, '--dry-run'], { STRATA_MAX_RUN_STEPS: '10' });
    expect(steps.code).toBe(2);
    expect(steps.stderr).toContain('12 items, more than the 10 steps a run may make (STRATA_MAX_RUN_STEPS)');
    const items = await runStrata(['plan', FAN_OUT, '--dry-run'], { STRATA_MAX_FANOUT_ITEMS: '5' });
    expect(items.code).toBe(1);
    expect(items.stdout).toContain('fanOut.over gave 12 items, more than the limit of 5 (STRATA_MAX_FANOUT_ITEMS)');
  });

  it('a bad limit value stops the command with exit 2 and one sentence naming the variable', async () => {
    const r = await runStrata(['plan', TWELVE], { STRATA_MAX_RUN_STEPS: 'a million' });
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe('strata: STRATA_MAX_RUN_STEPS must be a whole number of steps from 1 to 100000000, not "a million"');
    expect(r.stdout).toBe('');
  });
});
