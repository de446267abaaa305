/**
 * `npm run examples:argo` (scripts/argo-examples.mjs): the one command a newcomer runs. It
 * starts a strata of its own (its own Redis under a temporary home), applies every Argo
 * example, prints each run's step results, stops strata and leaves nothing running.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

function runScript(): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const env = { ...process.env };
    delete env.REDIS_URL;
    delete env.STRATA_URL;
    const child = spawn(process.execPath, ['scripts/argo-examples.mjs'], { env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('npm run examples:argo', () => {
  it('runs every example on a strata of its own to success and prints what the steps gave', async () => {
    const r = await runScript();
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const home = /home (\S+)\)/.exec(r.stdout)![1];
    expect(r.stdout).toContain('3 of 3 example files ran to success');
    expect(r.stdout).toContain('report: "hello newcomer: 8 letters"');
    expect(r.stdout).toContain('total: "sum of squares: 30"');
    expect(r.stdout).toContain('publish: "published after 2 retries"');
    // Its strata and that strata's Redis are gone with their home.
    const ps = await new Promise<string>((res) => {
      let out = '';
      spawn('ps', ['-eo', 'args']).stdout.on('data', (d) => (out += d)).on('end', () => res(out));
    });
    expect(ps).not.toContain(home);
    expect(existsSync(home)).toBe(false);
  }, 180_000);
});
