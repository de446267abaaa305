/**
 * A bad configuration stops `strata up`, `serve`, `worker` and `operator` before anything
 * starts (no Redis, no listener): exit 2 and one sentence naming the variable, never a
 * stack trace (issue 10/11/13 test report, faults 2 and 3).
 */
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runStrata } from '../support/processes.ts';

const cases: Array<[string, Record<string, string>, RegExp]> = [
  ['an image map that is not JSON', { STRATA_IMAGE_MAP: 'test/fixtures/config/not-json.json' }, /^strata: STRATA_IMAGE_MAP must be a JSON file mapping images to commands .* is not valid JSON/],
  ['an image map that does not exist', { STRATA_IMAGE_MAP: '/no/such/images.json' }, /^strata: STRATA_IMAGE_MAP must be .*ENOENT/],
  ['a one-letter API token', { STRATA_API_TOKENS: 'a' }, /^strata: STRATA_API_TOKENS must be comma-separated tokens of at least 16 characters each \(token 1 has 1;/],
  ['a pod retention that is not one', { STRATA_POD_RETENTION: 'forever' }, /^strata: STRATA_POD_RETENTION must be delete, keep-failed or keep, not "forever"$/],
  ['a size limit that is not a number', { STRATA_MAX_RUN_STEPS: 'unlimited' }, /^strata: STRATA_MAX_RUN_STEPS must be a whole number of steps from 1 to 100000000, not "unlimited"$/],
];

describe('a bad configuration at start', () => {
  for (const cmd of ['up', 'serve', 'worker', 'operator']) {
    for (const [what, env, message] of cases) {
      it(`stops strata ${cmd} with exit 2 and a sentence: ${what}`, async () => {
        const home = mkdtempSync(join(tmpdir(), 'strata-config-'));
        const r = await runStrata([cmd], { REDIS_URL: '', STRATA_HOME: home, PORT: '0', ...env });
        expect(r.code).toBe(2);
        const lines = r.stderr.trim().split('\n');
        expect(lines).toHaveLength(1);
        expect(lines[0]).toMatch(message);
        expect(r.stderr + r.stdout).not.toMatch(/\n\s+at /);
        // Nothing started: no local Redis was made for the home.
        expect(existsSync(join(home, 'redis'))).toBe(false);
      });
    }
  }
});
