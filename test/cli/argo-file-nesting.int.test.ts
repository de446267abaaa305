/**
 * Review (w-rev-c): `strata runs submit` of an Argo file read it within the default
 * STRATA_MAX_TEXT_NESTING, not its own environment's, while plan, apply and import argo read
 * the same file within it (runs submit --help says the command checks an Argo document with
 * the STRATA_MAX_* of its environment). Real processes; no strata is running: every command
 * must stop at the file before it asks for one.
 */
import { describe, expect, it } from 'vitest';
import { runStrata } from '../support/processes.ts';

const FILE = 'test/fixtures/limits/argo-twelve-steps.yaml';
const env = { STRATA_URL: 'http://127.0.0.1:9', STRATA_MAX_TEXT_NESTING: '4' };
const HINT = "strata: to raise it, set STRATA_MAX_TEXT_NESTING higher in this command's environment (docs/flow-language.md#limits)";

describe('an Argo file nested past this command\'s STRATA_MAX_TEXT_NESTING', () => {
  it.each([[['plan', FILE]], [['apply', FILE]], [['runs', 'submit', FILE]], [['import', 'argo', FILE]]])('strata %j: exit 2 naming the file and the limit', async (args) => {
    const r = await runStrata(args, env);
    expect([r.code, r.stderr]).toEqual([2, `strata: ${FILE}: nested more than 4 levels deep (at line 10, column 9; STRATA_MAX_TEXT_NESTING)\n${HINT}\n`]);
  });
});
