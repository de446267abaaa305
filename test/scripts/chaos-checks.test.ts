/** The chaos harness's checks can fail: a kept file or a read that disagrees with the recorded token is found. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { executions, overlaps, replacedOutputs } from '../../scripts/chaos/checks.ts';
import { EDGES, LEAVES } from '../../scripts/chaos/flows.ts';
import { useTempDirs } from '../support/temp-dirs.ts';

// Removed after the file's tests (they were left in the tmp dir, one home and one marks dir per run of the file).
const homeDir = useTempDirs('strata-chaos-checks-');
const marksDir = useTempDirs('strata-chaos-marks-');

/** A home whose artifacts and recorded steps agree, as a good chaos run leaves them. */
function consistent() {
  const home = homeDir();
  const tok = (s: string) => `t-${s.replace(/\W/g, '')}`;
  const steps: Record<string, { status: string; result: { token: string; read?: string } }> = {};
  for (const leaf of LEAVES) {
    const read = Object.entries(EDGES[leaf] ?? {}).map(([name, from]) => `${name}=${from.map(tok).join(',')};`).join('');
    steps[leaf] = { status: 'succeeded', result: { token: tok(leaf), read } };
    const dir = join(home, 'artifacts', 'r1', ...leaf.split('/'));
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'out'), tok(leaf));
    if (!leaf.startsWith('pod/')) writeFileSync(join(dir, 'result.json'), JSON.stringify({ token: tok(leaf) }));
  }
  writeFileSync(join(home, 'artifacts', 'r1', 'pod', 'out'), tok('pod/p3'));
  writeFileSync(join(home, 'artifacts', 'r1', 'pod', '.strata-steps.json'), JSON.stringify(LEAVES.filter((l) => l.startsWith('pod/')).map((step) => ({ step, result: { token: tok(step) } }))));
  return { home, steps, tok };
}

describe('chaos checks', () => {
  it('find nothing when the kept files and the reads agree with what was recorded', () => {
    const { home, steps } = consistent();
    expect(replacedOutputs(home, 'r1', steps)).toEqual([]);
  });

  it('find a kept output replaced after it was recorded', () => {
    const { home, steps } = consistent();
    writeFileSync(join(home, 'artifacts', 'r1', 'b', 'out'), 'late-copy');
    expect(replacedOutputs(home, 'r1', steps)).toEqual([expect.stringContaining('r1 b: kept output "late-copy" is not the recorded token')]);
  });

  it('find a step that read something else than its producer recorded', () => {
    const { home, steps } = consistent();
    steps.c.result.read = 'in=other;';
    expect(replacedOutputs(home, 'r1', steps)).toEqual([expect.stringContaining('r1 c: read in="other"')]);
  });

  it('count overlaps and executions the steps noted', () => {
    const dir = marksDir();
    writeFileSync(join(dir, 'overlaps'), 'r1 a 1-2 start 77\n');
    writeFileSync(join(dir, 'starts'), 'r1 a 1\nr1 a 2\nr1 b 3\n');
    expect(overlaps(dir)).toHaveLength(1);
    expect(executions(dir)).toEqual({ executions: 3, steps: 2, again: 1 });
  });
});
