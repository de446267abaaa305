/**
 * The command line's own words about how it was called (src/cli/main.ts), as real
 * processes: a usage error (an argument left out, an unknown option or command) ends with
 * exit 2, the code of every other refusal of what was asked (src/errors/strata-error.ts:
 * invalid_request), never 1, which says a run or a simulated run failed (tester 14:
 * commander's own exit code 1 had been kept). Help and the version are no error (exit 0).
 * None of these needs a strata to answer: they end before anything is asked.
 */
import { describe, expect, it } from 'vitest';
import { runStrata } from '../support/processes.ts';

// Nothing listens there: a command that got as far as asking would fail with exit 7, not 2.
const env = { STRATA_URL: 'http://127.0.0.1:9', STRATA_CLIENT_IDLE_MS: '2000' };

describe('a usage error', () => {
  it.each([
    [['runs', 'get'], /^error: missing required argument 'run'\n/],
    [['runs', 'cancel'], /^error: missing required argument 'runs'\n/],
    [['logs'], /^error: missing required argument 'run'\n/],
    [['apply'], /^error: missing required argument 'files'\n/],
    [['import', 'argo'], /^error: missing required argument 'files'\n/],
    [['flows', 'delete'], /^error: missing required argument 'names'\n/],
    [['runs', 'list', '--bogus'], /^error: unknown option '--bogus'\n/],
    [['plan', 'x.yaml', '--format'], /^error: option '-f, --format <format>' argument missing\n/],
    [['bogus'], /^error: unknown command 'bogus'\n/],
    [['rules', 'get', 'a', 'b'], /^error: too many arguments for 'get'/],
  ])('strata %j exits 2 with commander\'s sentence and the usage, no stack', async (args, said) => {
    const r = await runStrata(args, env);
    expect(r.stderr).toMatch(said);
    expect(r.stderr).toMatch(/\nUsage: strata /);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.stdout).toBe('');
    expect(r.code).toBe(2);
  });

  it('is exit 2 as strata\'s own usage errors are (runs submit with neither a file nor --use)', async () => {
    const r = await runStrata(['runs', 'submit'], env);
    expect([r.code, r.stderr]).toEqual([2, 'strata: give a Flow file or --use name[@version] (one of them)\n']);
  });

  it('strata with no command prints its usage on stderr, exit 2', async () => {
    const r = await runStrata([], env);
    expect(r.stderr).toMatch(/^Usage: strata \[options\] \[command\]\n/);
    expect(r.code).toBe(2);
  });
});

describe('help and version', () => {
  it.each([[['--help']], [['runs', '--help']], [['help', 'runs']], [['runs', 'submit', '-h']]])('strata %j prints the usage on stdout, exit 0', async (args) => {
    const r = await runStrata(args, env);
    expect(r.stdout).toMatch(/^Usage: strata /);
    expect([r.code, r.stderr]).toEqual([0, '']);
  });

  it('strata --version prints the version, exit 0', async () => {
    const r = await runStrata(['--version'], env);
    expect([r.code, r.stderr]).toEqual([0, '']);
    expect(r.stdout).toMatch(/^\d+\.\d+\.\d+\n$/);
  });
});
