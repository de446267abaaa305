/**
 * S12 (Argo tester 8): `strata runs submit --entrypoint NAME` and `-f/--parameter-file FILE`,
 * as argo submit takes them (argo-workflows workflow/util/util.go ApplySubmitOpts: the file's
 * parameters first, `-p` over them; `--entrypoint` replaces spec.entrypoint). Through the real
 * CLI process against a real service, the run on the local runtime; bad input refused, exit 2.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runStrata } from '../support/processes.ts';
import { useRunService } from '../support/use-run-service.ts';

const svc = useRunService();
const DIR = join(import.meta.dirname, '../fixtures/argo/submit-opts');
const WF = join(DIR, 'two-entries.yaml');

async function submitted(args: string[]): Promise<Record<string, { result?: unknown }>> {
  const r = await runStrata(['runs', 'submit', WF, ...args, '--watch'], { STRATA_URL: svc.url });
  expect(r.code, r.stdout + r.stderr).toBe(0);
  const run = await svc.waitRun(/run (\S+) submitted/.exec(r.stdout)![1]);
  expect(run.status, JSON.stringify(run.steps)).toBe('succeeded');
  return run.steps as Record<string, { result?: unknown }>;
}

describe('strata runs submit --entrypoint / --parameter-file (S12)', () => {
  it('--entrypoint starts from the named template; -f gives the parameters, -p wins over the file', async () => {
    const steps = await submitted(['--entrypoint', 'other', '-f', join(DIR, 'params.yaml'), '-p', 'who=flag']);
    expect(Object.fromEntries(Object.entries(steps).map(([id, s]) => [id, s.result]))).toEqual({ main: 'other flag glad' }); // the root step's id is fixed; its text says template other ran
  }, 120_000);

  it('a JSON parameter file: a number is read as its text; without --entrypoint spec.entrypoint runs', async () => {
    expect((await submitted(['--parameter-file', join(DIR, 'params.json')])).main?.result).toBe('main 42 calm');
  }, 120_000);

  it('strata apply --run takes -f too', async () => {
    const r = await runStrata(['apply', WF, '--run', '--watch', '-f', join(DIR, 'params.yaml')], { STRATA_URL: svc.url });
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const run = await svc.waitRun(/run (\S+) started/.exec(r.stdout)![1]);
    expect(run.steps.main?.result).toBe('main file glad');
  }, 120_000);

  it.each([
    [['--entrypoint', 'nope'], '--entrypoint nope: Workflow s12-entries- (' ],
    [['-f', join(DIR, 'missing.yaml')], `--parameter-file ${join(DIR, 'missing.yaml')}: cannot read (ENOENT)`],
    [['-f', join(DIR, 'list.yaml')], 'give one map of name: value'],
    [['-f', join(DIR, 'nested.yaml')], 'parameter who: give a text value'],
  ])('bad input %j is refused naming the place, exit 2, nothing run', async (args, message) => {
    const before = ((await svc.call('GET', '/v1/runs')).body as { runs: unknown[] }).runs.length;
    const r = await runStrata(['runs', 'submit', WF, ...args], { STRATA_URL: svc.url });
    expect(r.code, r.stdout + r.stderr).toBe(2);
    expect(r.stderr).toContain(message);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(((await svc.call('GET', '/v1/runs')).body as { runs: unknown[] }).runs.length).toBe(before);
  }, 60_000);
});
