/** The claim of an execution that wrote nothing: a hard link to the store's shared empty file, made once. */
import { mkdirSync, readdirSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { claimEmpty, MAX_EMPTY_LINKS } from '../../src/worker/empty-claim.ts';
import { useTempDirs } from '../support/temp-dirs.ts';

const newTempDir = useTempDirs('strata-claim-');

describe('claimEmpty', () => {
  it('claims a step once, as an empty file sharing the store\'s empty inode, in a run directory it makes', () => {
    const store = newTempDir();
    const a = join(store, 'run1', 'a');
    const b = join(store, 'run1', 'nested', 'b');
    expect(claimEmpty(store, a)).toBe(true);
    expect(claimEmpty(store, a)).toBe(false);
    expect(claimEmpty(store, b)).toBe(true);
    expect(statSync(a).isFile() && statSync(a).size).toBe(0);
    expect(statSync(a).ino).toBe(statSync(b).ino);
  });

  it('loses to outputs kept first, and a later rename of outputs onto it fails', () => {
    const store = newTempDir();
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

  it('moves to the next shared empty file when one is full, every claim still made once', () => {
    // A limit of 3 links a file stands for the file system's (65,000 on ext4, which says EMLINK past it).
    expect(MAX_EMPTY_LINKS).toBe(65_000);
    const store = newTempDir();
    const paths = Array.from({ length: 7 }, (_, i) => join(store, 'run1', `s${i}`));
    for (const p of paths) expect(claimEmpty(store, p, 3)).toBe(true);
    for (const p of paths) expect(claimEmpty(store, p, 3)).toBe(false);
    const ino = paths.map((p) => statSync(p).ino);
    expect(new Set(ino.slice(0, 3)).size).toBe(1);
    expect(new Set(ino.slice(3, 6)).size).toBe(1);
    expect(new Set([ino[0], ino[3], ino[6]]).size).toBe(3);
    expect(readdirSync(store).filter((f) => f.startsWith('.empty-')).sort()).toEqual(['.empty-0', '.empty-1', '.empty-2']);
    // Each full file holds its own entry and 3 claims; the claims made stay empty files.
    expect([0, 1, 2].map((n) => statSync(join(store, `.empty-${n}`)).nlink)).toEqual([4, 4, 2]);
    for (const p of paths) expect(statSync(p).isFile() && statSync(p).size).toBe(0);
  });
});
