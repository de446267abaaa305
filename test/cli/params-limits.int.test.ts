/**
 * Tester 13: the parameter limits (STRATA_MAX_PARAMS_KEYS, STRATA_MAX_PARAMS_BYTES) held on
 * the service only: `strata plan` planned a flow whose spec.params the service refuses (exit
 * 0), `strata apply` sent it without checking with its own environment's as it does every
 * other STRATA_MAX_*, and a bad value of either (abc, 0, -1, 1e400) was taken in silence by
 * plan, apply, runs submit and import argo where STRATA_MAX_RUN_STEPS=abc stops them (exit 2).
 * Real processes against a real strata (its own STRATA_MAX_PARAMS_KEYS=5).
 */
import { describe, expect, it } from 'vitest';
import { loadParamsLimits } from '../../src/app/config.ts';
import type { StrataError } from '../../src/errors/strata-error.ts';
import { runStrata } from '../support/processes.ts';
import { cliEnv, useRunService } from '../support/use-run-service.ts';

const SIX = 'test/fixtures/limits/six-params.yaml';
const SIX_WITH = 'test/fixtures/limits/six-with.yaml';
const svc = useRunService({ STRATA_MAX_PARAMS_KEYS: '5' });
const HERE = "strata: to raise it, set STRATA_MAX_PARAMS_KEYS higher in this command's environment (docs/flow-language.md#limits)";
const SERVICE = 'strata: to raise it, set STRATA_MAX_PARAMS_KEYS higher in the environment of the strata service and its workers, and restart them (docs/flow-language.md#limits)';
const PAST = 'holds more than 5 keys and list elements (STRATA_MAX_PARAMS_KEYS)';

async function nothingStored(): Promise<void> {
  expect((await svc.call('GET', '/v1/runs')).body.runs).toEqual([]);
  expect((await svc.call('GET', '/v1/flows')).body.flows).toEqual([]);
}

describe('parameters past STRATA_MAX_PARAMS_KEYS on the CLI', () => {
  it.each([
    ['a flow\'s spec.params', ['plan', SIX], 'spec.params'],
    ['a use\'s with', ['plan', SIX_WITH], 'spec.root.sequence[0].with'],
    ['-p', ['plan', 'test/fixtures/limits/twelve-tasks.yaml', '-p', 'list=[1,2,3,4,5,6]'], 'params'],
    ['dry run', ['plan', SIX, '--dry-run'], 'spec.params'],
  ])('strata plan, %s: exit 2 naming the place and its own environment (as the service refuses it)', async (_what, args, place) => {
    const r = await runStrata(args, { STRATA_MAX_PARAMS_KEYS: '5' });
    expect(r.code, r.stdout + r.stderr).toBe(2);
    expect(r.stderr).toContain(`${place}: ${PAST}`);
    expect(r.stderr).toContain(HERE);
    expect(r.stdout + r.stderr).not.toMatch(/\n\s+at /);
  });

  it.each([
    ['apply', ['apply', SIX]],
    ['apply --run', ['apply', SIX, '--run']],
    ['apply of a use', ['apply', SIX_WITH]],
    ['apply --run -p', ['apply', 'test/fixtures/limits/twelve-tasks.yaml', '--run', '-p', 'list=[1,2,3,4,5,6]']],
  ])('strata %s with its own STRATA_MAX_PARAMS_KEYS=5: refused before sending, naming this command\'s environment, nothing stored', async (_what, args) => {
    const r = await runStrata(args, { ...cliEnv(svc), STRATA_MAX_PARAMS_KEYS: '5' });
    expect(r.code, r.stdout + r.stderr).toBe(2);
    expect(r.stderr).toContain(PAST);
    expect(r.stderr).toContain(HERE);
    await nothingStored();
  });

  it('strata apply with the default: the service refuses, naming its environment, nothing stored', async () => {
    const r = await runStrata(['apply', SIX], cliEnv(svc));
    expect(r.code, r.stdout + r.stderr).toBe(2);
    expect(r.stderr).toContain(`spec.params: ${PAST}`);
    expect(r.stderr).toContain(SERVICE);
    await nothingStored();
  });

  // Each bad value read as each command reads it (loadParamsLimits, in this process), and each
  // command's route through a real process with two of them: 4 values x 4 commands were 16
  // processes a variable, each some 0.5 s of CPU, for what one function decides.
  it.each(['STRATA_MAX_PARAMS_KEYS', 'STRATA_MAX_PARAMS_BYTES'])('%s set to no whole number (abc, 0, -1, 1e400) is refused naming it, as plan, apply, runs submit and import argo read it', (name) => {
    for (const value of ['abc', '0', '-1', '1e400']) {
      let said = 'accepted';
      try {
        loadParamsLimits({ [name]: value });
      } catch (e) {
        said = `${(e as StrataError).code}: ${(e as Error).message}`;
      }
      expect(said).toMatch(new RegExp(`^invalid_config: ${name} must be .*, not "${value.replace('.', '\\.')}"$`));
    }
  });

  it.each([['STRATA_MAX_PARAMS_KEYS', 'abc'], ['STRATA_MAX_PARAMS_BYTES', '1e400']])('%s=%s: plan, apply, runs submit and import argo stop, exit 2, naming it; nothing stored', async (name, value) => {
    const seen: string[] = [];
    for (const args of [['plan', SIX], ['apply', SIX], ['runs', 'submit', SIX], ['import', 'argo', 'test/fixtures/limits/argo-twelve-steps.yaml']]) {
      const r = await runStrata(args, { ...cliEnv(svc), [name]: value });
      seen.push(`${args[0]}: ${r.code} ${r.stderr.includes(`${name} must be`) && r.stderr.includes(`not "${value}"`) ? 'named' : r.stderr.slice(0, 200)}`);
    }
    expect(seen).toEqual(['plan', 'apply', 'runs', 'import'].map((c) => `${c}: 2 named`));
    await nothingStored();
  });
});
