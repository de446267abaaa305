import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { makePodDirs, removePodDirs, safeName } from '../../../runtime/local/pod-dirs.ts';
import { TempDirs } from '../../sidecar/harness.ts';

const dirs = new TempDirs();
afterEach(() => dirs.cleanup());

describe('pod directories', () => {
  it('go to the RAM file system for memory scratch, with scratch, ipc and work inside', async () => {
    const shm = await dirs.make();
    const d = await makePodDirs('run-1', 'etl/us-west', true, { shmDir: shm });
    expect(d.root.startsWith(join(shm, 'strata', 'run-1', 'etl_us-west-'))).toBe(true);
    for (const p of [d.scratch, d.ipc, d.work]) expect(existsSync(p)).toBe(true);
    await removePodDirs(d);
    expect(existsSync(join(shm, 'strata', 'run-1'))).toBe(false);
  });

  it.each([
    { what: 'there is no RAM file system', memory: true, shm: '/no/such/shm' },
    { what: 'the pod asked for disk', memory: false, shm: undefined },
  ])('go to the tmp dir when $what', async ({ memory, shm }) => {
    const tmp = await dirs.make();
    const d = await makePodDirs('r', 'p', memory, { tmpDir: tmp, ...(shm ? { shmDir: shm } : {}) });
    expect(d.root.startsWith(join(tmp, 'strata', 'r', 'p-'))).toBe(true);
    await removePodDirs(d);
  });

  it('keep the run directory while another pod of the run uses it', async () => {
    const shm = await dirs.make();
    const a = await makePodDirs('r', 'a', true, { shmDir: shm });
    const b = await makePodDirs('r', 'b', true, { shmDir: shm });
    await removePodDirs(a);
    expect(existsSync(b.scratch)).toBe(true);
    await removePodDirs(b);
    expect(existsSync(join(shm, 'strata', 'r'))).toBe(false);
  });

  it('name ids as one path segment', () => {
    expect(safeName('fan/3/ring/x#2')).toBe('fan_3_ring_x_2');
    expect(safeName('')).toBe('_');
  });
});
