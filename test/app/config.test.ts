/** Configuration is checked at start: a bad value names its variable and what it accepts. */
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/app/config.ts';
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
  ];
  for (const [env, message] of bad) it(`refuses ${JSON.stringify(env)} with a sentence naming it`, () => expect(problem(env)).toBe(message));

  it('names every bad variable at once', () => {
    expect(problem({ STRATA_LOCK_MS: 'abc', PORT: 'x' })).toMatch(/^PORT must .*; STRATA_LOCK_MS must /);
  });

  it('has defaults for everything, and reads good values', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({ port: 8080, host: '127.0.0.1', runtime: 'local', workerConcurrency: 4, lockDurationMs: 30_000, stalledIntervalMs: 15_000, retentionMs: 7 * 86_400_000, logLevel: 'info', prefix: 'strata' });
    expect(c.metricsPort).toBeUndefined();
    expect(loadConfig({ STRATA_WORKER_CONCURRENCY: '12', STRATA_RETENTION: '90s', STRATA_API_TOKENS: 'a,b', STRATA_METRICS_PORT: '9464' })).toMatchObject({ workerConcurrency: 12, retentionMs: 90_000, tokens: ['a', 'b'], host: '0.0.0.0', metricsPort: 9464 });
  });

  it('reads durations', () => {
    expect([parseDuration('0'), parseDuration('500ms'), parseDuration('1.5h'), parseDuration('7d')]).toEqual([0, 500, 5_400_000, 604_800_000]);
    expect([parseDuration('-1s'), parseDuration('3w'), parseDuration('99999d')]).toEqual([undefined, undefined, undefined]);
  });
});
