/**
 * A bad configuration stops `strata up`, `serve`, `worker` and `operator` before anything
 * starts (no Redis, no listener): exit 2 and one sentence naming the variable, never a
 * stack trace (issue 10/11/13 test report, faults 2 and 3).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { runStrata } from '../support/processes.ts';
import { useTempDirs } from '../support/temp-dirs.ts';

const newTempDir = useTempDirs('strata-config-');

const cases: Array<[string, Record<string, string>, RegExp]> = [
  ['an image map that is not JSON', { STRATA_IMAGE_MAP: 'test/fixtures/config/not-json.json' }, /^strata: STRATA_IMAGE_MAP must be a JSON file mapping images to commands .* is not valid JSON/],
  ['an image map that does not exist', { STRATA_IMAGE_MAP: '/no/such/images.json' }, /^strata: STRATA_IMAGE_MAP must be .*ENOENT/],
  ['a one-letter API token', { STRATA_API_TOKENS: 'a' }, /^strata: STRATA_API_TOKENS must be comma-separated tokens of at least 16 characters each \(token 1 has 1;/],
  ['a pod retention that is not one', { STRATA_POD_RETENTION: 'forever' }, /^strata: STRATA_POD_RETENTION must be delete, keep-failed or keep, not "forever"$/],
  ['a size limit that is not a number', { STRATA_MAX_RUN_STEPS: 'unlimited' }, /^strata: STRATA_MAX_RUN_STEPS must be a whole number of steps from 1 to 100000000, not "unlimited"$/],
  ['an operator try count that is none', { STRATA_OPERATOR_ERROR_TRIES: '0' }, /^strata: STRATA_OPERATOR_ERROR_TRIES must be a whole number of tries from 1 to 1000, not "0"$/],
  // Tester 17: Node's recursive mkdir under /proc loops for ever; every process hung at start, deaf to SIGTERM.
  ['a home under /proc', { STRATA_HOME: '/proc/strata-home' }, /^strata: STRATA_HOME must be a directory strata can make and write, not "\/proc\/strata-home" \(it is under a procfs \(\/proc\), where none can be made\)$/],
];

// Issue 9: each size limit set by hand, hostile values included (0, negative, a number past
// what a double holds, exponent and unit forms): one sentence naming the variable and what
// it takes, never zod's own words ("expected number, received Infinity").
const limitCases: Array<[string, string, RegExp]> = [
  ['STRATA_MAX_RUN_STEPS', '0', /^strata: STRATA_MAX_RUN_STEPS must be a whole number of steps from 1 to 100000000, not "0"$/],
  ['STRATA_MAX_DOCUMENT_NODES', '-5', /^strata: STRATA_MAX_DOCUMENT_NODES must be a whole number of nodes from 1 to 100000000, not "-5"$/],
  ['STRATA_MAX_RESULT_BYTES', '10MB', /^strata: STRATA_MAX_RESULT_BYTES must be a size in bytes from 1 to 536870912, not "10MB"$/],
  ['STRATA_MAX_COMPOSITE_RESULT_BYTES', '1e400', /^strata: STRATA_MAX_COMPOSITE_RESULT_BYTES must be a size in bytes from 1 to 536870912, not "1e400"$/],
  ['STRATA_MAX_FANOUT_ITEMS', '99999999999999999999', /^strata: STRATA_MAX_FANOUT_ITEMS must be a whole number of items from 1 to 100000000, not "99999999999999999999"$/],
  ['STRATA_MAX_RESULT_BYTES', '9'.repeat(400), /^strata: STRATA_MAX_RESULT_BYTES must be a size in bytes from 1 to 536870912, not "9{40}…\(400 characters\)"$/],
  ['STRATA_LOCK_MS', '9'.repeat(400), /^strata: STRATA_LOCK_MS must be a whole number of milliseconds from 1000 to 86400000, not "9{40}…\(400 characters\)"$/],
];

/** `strata CMD` with `env` stops with exit 2 and one line matching `message`, no stack trace, nothing started (no local Redis made for the home). */
async function expectStopped(cmd: string, env: Record<string, string>, message: RegExp): Promise<void> {
  const home = newTempDir();
  const r = await runStrata([cmd], { REDIS_URL: '', STRATA_HOME: home, PORT: '0', ...env });
  expect(r.code).toBe(2);
  const lines = r.stderr.trim().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(message);
  expect(r.stderr + r.stdout).not.toMatch(/\n\s+at /);
  expect(existsSync(join(home, 'redis'))).toBe(false);
}

describe('a size limit set to a hostile value stops strata up and npm start', () => {
  for (const [name, value, message] of limitCases) {
    it(`strata up: ${name}=${value.length > 20 ? `${value.slice(0, 8)}…(${value.length} characters)` : value}`, () => expectStopped('up', { [name]: value }, message));
  }

  it('npm start: exits non-zero with the sentence naming the variable, no stack trace', async () => {
    const home = newTempDir();
    const r = await new Promise<{ code: number | null; out: string }>((resolve) => {
      const child = spawn('npm', ['start', '--silent'], { env: { ...process.env, REDIS_URL: '', STRATA_HOME: home, PORT: '0', STRATA_MAX_RUN_STEPS: '1e400' } });
      let out = '';
      child.stdout.on('data', (d) => (out += d));
      child.stderr.on('data', (d) => (out += d));
      child.on('close', (code) => resolve({ code, out }));
    });
    expect(r.code, r.out).not.toBe(0);
    expect(r.out).toContain('strata: STRATA_MAX_RUN_STEPS must be a whole number of steps from 1 to 100000000, not "1e400"');
    expect(r.out).not.toMatch(/\n\s+at /);
    expect(existsSync(join(home, 'redis'))).toBe(false);
  }, 120_000);
});

describe('--help of a long-running command says it is configured by environment variables', () => {
  // A newcomer's first look: strata up takes no flags, so its help names where its settings are.
  for (const cmd of ['up', 'serve', 'worker', 'plan']) {
    it(`strata ${cmd} --help names the variables of the size limits and where the others are`, async () => {
      const r = await runStrata([cmd, '--help']);
      expect(r.code).toBe(0);
      const text = r.stdout.replace(/\s+/g, ' ');
      expect(text).toContain('configured by environment variables, not flags (README, "environment"), each checked at start');
      for (const name of ['STRATA_MAX_RUN_STEPS', 'STRATA_MAX_DOCUMENT_NODES', 'STRATA_MAX_RESULT_BYTES', 'STRATA_MAX_FLOW_DEPTH']) expect(text).toContain(name);
      expect(text).toContain('docs/flow-language.md#limits');
    });
  }
});

describe('a bad configuration at start', () => {
  for (const cmd of ['up', 'serve', 'worker', 'operator']) {
    for (const [what, env, message] of cases) {
      it(`stops strata ${cmd} with exit 2 and a sentence: ${what}`, () => expectStopped(cmd, env, message));
    }
  }
});
