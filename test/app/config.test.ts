/** Configuration is checked at start: a bad value names its variable and what it accepts. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CONFIG_VARIABLES, loadConfig, loadLimits } from '../../src/app/config.ts';
import { DEFAULT_LIMITS, LIMIT_VARIABLES } from '../../src/flow/limits.ts';
import { parseDuration } from '../../src/app/duration.ts';
import type { StrataError } from '../../src/errors/strata-error.ts';

function problem(env: Record<string, string>): string {
  try {
    loadConfig(env);
  } catch (e) {
    expect((e as StrataError).code).toBe('invalid_config');
    return (e as Error).message;
  }
  throw new Error(`accepted ${JSON.stringify(env)}`);
}

describe('loadConfig', () => {
  const bad: Array<[Record<string, string>, string]> = [
    [{ STRATA_LOCK_MS: 'abc' }, 'STRATA_LOCK_MS must be a whole number of milliseconds from 1000 to 86400000, not "abc"'],
    [{ STRATA_WORKER_CONCURRENCY: 'x' }, 'STRATA_WORKER_CONCURRENCY must be a whole number of parallel steps from 1 to 1000, not "x"'],
    [{ STRATA_STALLED_MS: '-5' }, 'STRATA_STALLED_MS must be a whole number of milliseconds from 100 to 86400000, not "-5"'],
    [{ PORT: '70000' }, 'PORT must be a port number from 0 to 65535, not "70000"'],
    [{ STRATA_RUNTIME: 'docker' }, 'STRATA_RUNTIME must be local or kubernetes, not "docker"'],
    [{ REDIS_URL: 'localhost:6379' }, 'REDIS_URL must be a redis:// or rediss:// URL, not "localhost:6379"'],
    [{ STRATA_RETENTION: '7 days' }, 'STRATA_RETENTION must be a duration like 7d, 12h, 30m, 90s or 0 (keep forever), not "7 days"'],
    [{ STRATA_LOG_LEVEL: 'loud' }, 'STRATA_LOG_LEVEL must be fatal, error, warn, info, debug, trace, silent, not "loud"'],
    [{ STRATA_MAX_RUN_STEPS: '1e6' }, 'STRATA_MAX_RUN_STEPS must be a whole number of steps from 1 to 100000000, not "1e6"'],
    [{ STRATA_MAX_DOCUMENT_NODES: '0' }, 'STRATA_MAX_DOCUMENT_NODES must be a whole number of nodes from 1 to 100000000, not "0"'],
    [{ STRATA_MAX_COMPOSITE_RESULT_BYTES: '1GB' }, 'STRATA_MAX_COMPOSITE_RESULT_BYTES must be a size in bytes from 1 to 536870912, not "1GB"'],
    [{ STRATA_MAX_FLOW_DEPTH: '100000' }, 'STRATA_MAX_FLOW_DEPTH must be a whole number of levels from 1 to 256, not "100000"'],
    [{ STRATA_MAX_LOG_BYTES: 'lots' }, 'STRATA_MAX_LOG_BYTES must be a size in bytes from 1 to 1073741824, not "lots"'],
    [{ STRATA_OPERATOR_ERROR_TRIES: '0' }, 'STRATA_OPERATOR_ERROR_TRIES must be a whole number of tries from 1 to 1000, not "0"'],
    [{ STRATA_OPERATOR_ERROR_TRIES: 'many' }, 'STRATA_OPERATOR_ERROR_TRIES must be a whole number of tries from 1 to 1000, not "many"'],
    [{ STRATA_OPERATOR_ERROR_TRIES: '2.5' }, 'STRATA_OPERATOR_ERROR_TRIES must be a whole number of tries from 1 to 1000, not "2.5"'],
    [{ STRATA_OPERATOR_ERROR_TRIES: '1001' }, 'STRATA_OPERATOR_ERROR_TRIES must be a whole number of tries from 1 to 1000, not "1001"'],
  ];
  for (const [env, message] of bad) it(`refuses ${JSON.stringify(env)} with a sentence naming it`, () => expect(problem(env)).toBe(message));

  // Every STRATA_* variable is checked at start, files they name included (issue 10/11/13 test report, faults 2 and 3).
  const refused: Array<[Record<string, string>, RegExp]> = [
    [{ STRATA_IMAGE_MAP: 'test/fixtures/config/not-json.json' }, /^STRATA_IMAGE_MAP must be a JSON file mapping images to commands .*: image map test\/fixtures\/config\/not-json.json is not valid JSON: .*, not "test\/fixtures\/config\/not-json.json"$/],
    [{ STRATA_IMAGE_MAP: 'test/fixtures/config/bad-entry.json' }, /^STRATA_IMAGE_MAP must be .*"busybox" must map to a non-empty list of strings \(its entrypoint\) or to \{ "entrypoint": \[\.\.\.\], "cmd": \[\.\.\.\] \} naming at least one command, not /],
    [{ STRATA_IMAGE_MAP: 'test/fixtures/config/missing.json' }, /^STRATA_IMAGE_MAP must be .*ENOENT.*, not "test\/fixtures\/config\/missing.json"$/],
    [{ STRATA_HOME: 'test/fixtures/config/bad-home' }, /^image map test\/fixtures\/config\/bad-home\/images.json is not valid JSON: .* \(the image map of STRATA_HOME: fix or remove it\)$/],
    [{ STRATA_FILE_ROOTS: '/tmp:/no/such/root' }, /^STRATA_FILE_ROOTS must be ":"-separated existing directories \("\/no\/such\/root" is not one\)/],
    [{ STRATA_NAMESPACE: 'Team_A' }, /^STRATA_NAMESPACE must be a Kubernetes name/],
    [{ STRATA_POD_RETENTION: 'forever' }, /^STRATA_POD_RETENTION must be delete, keep-failed or keep, not "forever"$/],
    [{ STRATA_IMAGE_PULL_POLICY: 'Sometimes' }, /^STRATA_IMAGE_PULL_POLICY must be Always, IfNotPresent or Never/],
    [{ STRATA_IMAGE_PULL_SECRETS: 'a,,B c' }, /^STRATA_IMAGE_PULL_SECRETS must be comma-separated Secret names/],
    [{ STRATA_SCRATCH_SIZE: 'lots' }, /^STRATA_SCRATCH_SIZE must be a Kubernetes quantity like 256Mi or 1Gi, not "lots"$/],
    [{ STRATA_OPERATOR_POLL_MS: '5s' }, /^STRATA_OPERATOR_POLL_MS must be a whole number of milliseconds/],
    [{ STRATA_STEP_SERVICE_ACCOUNT: 'Steps!' }, /^STRATA_STEP_SERVICE_ACCOUNT must be a Kubernetes name/],
    [{ STRATA_QUARTERBACK_IMAGE: 'my image' }, /^STRATA_QUARTERBACK_IMAGE must be an image reference/],
  ];
  for (const [env, message] of refused) it(`refuses ${JSON.stringify(env)} with a sentence naming it`, () => expect(problem(env)).toMatch(message));

  it('refuses API tokens shorter than 16 characters, without printing any secret', () => {
    expect(problem({ STRATA_API_TOKENS: 'a' })).toBe('STRATA_API_TOKENS must be comma-separated tokens of at least 16 characters each (token 1 has 1; make them with `openssl rand -hex 24`)');
    expect(problem({ STRATA_API_TOKENS: '0123456789abcdef,sesame' })).toBe('STRATA_API_TOKENS must be comma-separated tokens of at least 16 characters each (token 2 has 6; make them with `openssl rand -hex 24`)');
    expect(problem({ STRATA_NOTIFY_SECRET: 'hush' })).not.toContain('hush');
    expect(problem({ REDIS_URL: 'tcp://:p4ssw0rd@redis:6379' })).not.toContain('p4ssw0rd');
    expect(loadConfig({ STRATA_API_TOKENS: '0123456789abcdef, fedcba9876543210' }).tokens).toEqual(['0123456789abcdef', 'fedcba9876543210']);
  });

  it('reads the image map once, at start: built-ins, STRATA_HOME/images.json, STRATA_IMAGE_MAP', () => {
    const c = loadConfig({ STRATA_HOME: 'test/fixtures/config/home', STRATA_IMAGE_MAP: 'examples/retail/images.json' });
    expect(c.images.busybox).toEqual({ cmd: ['sh'] });
    expect(c.images['acme/home-only']).toEqual(['true']);
    expect(Object.keys(c.images)).toEqual(expect.arrayContaining(Object.keys(JSON.parse(readFileSync('examples/retail/images.json', 'utf8')) as object)));
  });

  it('names every bad variable at once', () => {
    expect(problem({ STRATA_LOCK_MS: 'abc', PORT: 'x' })).toMatch(/^PORT must .*; STRATA_LOCK_MS must /);
  });

  it('has defaults for everything, and reads good values', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({ port: 8080, host: '127.0.0.1', runtime: 'local', workerConcurrency: 4, lockDurationMs: 30_000, stalledIntervalMs: 15_000, retentionMs: 7 * 86_400_000, logLevel: 'info', prefix: 'strata' });
    expect(c.metricsPort).toBeUndefined();
    expect(loadConfig({ STRATA_WORKER_CONCURRENCY: '12', STRATA_RETENTION: '90s', STRATA_API_TOKENS: 'aaaaaaaaaaaaaaaa,bbbbbbbbbbbbbbbb', STRATA_METRICS_PORT: '9464' })).toMatchObject({ workerConcurrency: 12, retentionMs: 90_000, tokens: ['aaaaaaaaaaaaaaaa', 'bbbbbbbbbbbbbbbb'], host: '0.0.0.0', metricsPort: 9464 });
  });

  it('takes a variable set empty (`export PORT=`, a compose file\'s `PORT:`) as unset: its default, every variable alike (tester 14: STRATA_HOME= was an internal error, PORT= listened on 3000, STRATA_MAX_BODY_BYTES= had no limit)', () => {
    const empty = Object.fromEntries(CONFIG_VARIABLES.map((n) => [n, '']));
    expect(CONFIG_VARIABLES).toEqual(expect.arrayContaining(['PORT', 'STRATA_HOME', 'STRATA_MAX_BODY_BYTES', 'STRATA_LOCK_MS', 'STRATA_RETENTION']));
    expect(loadConfig(empty)).toEqual(loadConfig({}));
  });

  it('keeps the safe size limits by default and reads each STRATA_MAX_ variable into them', () => {
    expect(loadConfig({}).limits).toEqual(DEFAULT_LIMITS);
    expect(DEFAULT_LIMITS).toMatchObject({ maxNodes: 500_000, maxSteps: 500_000, maxResultBytes: 1024 * 1024 });
    const env = Object.fromEntries(Object.values(LIMIT_VARIABLES).map((name, i) => [name, String(10 + i)]));
    const limits = loadConfig(env).limits;
    for (const [key, name] of Object.entries(LIMIT_VARIABLES)) expect(limits[key as keyof typeof LIMIT_VARIABLES]).toBe(Number(env[name]));
    expect(loadLimits(env)).toEqual(limits);
    expect(() => loadLimits({ STRATA_MAX_TREE_NODES: 'many' })).toThrow('STRATA_MAX_TREE_NODES must be a whole number of nodes from 1 to 100000000, not "many"');
  });

  it('reads the operator\'s settings: its poll and how many times a bug\'s reconcile is tried before phase Error', () => {
    expect(loadConfig({})).toMatchObject({ operatorPollMs: 5000, operatorErrorTries: 5 });
    expect(loadConfig({ STRATA_OPERATOR_POLL_MS: '250', STRATA_OPERATOR_ERROR_TRIES: '2' })).toMatchObject({ operatorPollMs: 250, operatorErrorTries: 2 });
    expect(loadConfig({ STRATA_OPERATOR_ERROR_TRIES: ' 1 ' }).operatorErrorTries).toBe(1);
  });

  it('reads durations', () => {
    expect([parseDuration('0'), parseDuration('500ms'), parseDuration('1.5h'), parseDuration('7d')]).toEqual([0, 500, 5_400_000, 604_800_000]);
    expect([parseDuration('-1s'), parseDuration('3w'), parseDuration('99999d')]).toEqual([undefined, undefined, undefined]);
  });
});
