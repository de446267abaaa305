/**
 * `npm run bench -- NAME` runs the sections named (bench/README.md); a name that is no
 * section (a typo) is refused with the list of sections, exit 2, before anything is
 * measured, where it had run nothing and printed only the machine line, exit 0.
 */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

describe('npm run bench -- NAME', () => {
  it('refuses a name that is no section, listing the sections, and measures nothing', () => {
    const r = spawnSync(process.execPath, ['--import', 'tsx', 'bench/main.ts', 'sse-viewers'], { encoding: 'utf8' });
    expect(r.status, r.stdout + r.stderr).toBe(2);
    expect(r.stderr.trim()).toBe('bench: no section "sse-viewers"; the sections are dataset, flow, dryrun, real, runs, workers, sse, ui, cli, quarterback, millionplan, million, fuzz, bigrun, treerun (none named: all but million and treerun)');
    expect(r.stdout).not.toContain('## ');
  }, 60_000);
});
