/** The claim of an execution that wrote nothing: a hard link to the store's shared empty file, made once. */
import { mkdirSync, mkdtempSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { claimEmpty } from '../../src/worker/empty-claim.ts';

describe('claimEmpty', () => {
  it('claims a step once, as an empty file sharing the store\'s empty inode, in a run directory it makes', () => {
    const store = mkdtempSync(join(tmpdir(), 'strata-claim-'));
    const a = join(store, 'run1', 'a');
    const b = join(store, 'run1', 'nested', 'b');
    expect(claimEmpty(store, a)).toBe(true);
    expect(claimEmpty(store, a)).toBe(false);
    expect(claimEmpty(store, b)).toBe(true);
    expect(statSync(a).isFile() && statSync(a).size).toBe(0);
    expect(statSync(a).ino).toBe(statSync(b).ino);
  });

  it('loses to outputs kept first, and a later rename of outputs onto it fails', () => {
    const store = mkdtempSync(join(tmpdir(), 'strata-claim-'));
    const kept = join(store, 'run1', 'k');
    mkdirSync(kept, { recursive: true });
    writeFileSync(join(kept, '.strata-kept'), '{}');
    expect(claimEmpty(store, kept)).toBe(false);
    const late = join(store, 'run1', 'late');
    expect(claimEmpty(store, late)).toBe(true);
    const outputs = join(store, 'out');
    mkdirSync(outputs);
    writeFileSync(join(outputs, 'x'), '1');
    expect(() => renameSync(outputs, late)).toThrow(/ENOTDIR/);
  });
});
