import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { homeNamespace, makePodDirs, removePodDirs, safeName, stepTag } from '../../../runtime/local/pod-dirs.ts';
import { makePrivateView } from '../../../runtime/local/private-view.ts';
import { TempDirs } from '../../sidecar/harness.ts';

const dirs = new TempDirs();
afterEach(() => dirs.cleanup());

describe('pod directories', () => {
  it('go to the RAM file system for memory scratch, with scratch, ipc and work inside', async () => {
    const shm = await dirs.make();
    const d = await makePodDirs('run-1', 'etl/us-west', true, { shmDir: shm, namespace: 'strata-ns' });
    expect(d.root.startsWith(join(shm, 'strata-ns', 'run-1', `etl_us-west.${stepTag('etl/us-west')}-`))).toBe(true);
    for (const p of [d.scratch, d.ipc, d.work]) expect(existsSync(p)).toBe(true);
    await removePodDirs(d);
    expect(existsSync(join(shm, 'strata-ns', 'run-1'))).toBe(false);
  });

  it.each([
    { what: 'there is no RAM file system', memory: true, shm: '/no/such/shm' },
    { what: 'the pod asked for disk', memory: false, shm: undefined },
  ])('go to the tmp dir when $what', async ({ memory, shm }) => {
    const tmp = await dirs.make();
    const d = await makePodDirs('r', 'p', memory, { tmpDir: tmp, namespace: 'strata-ns', ...(shm ? { shmDir: shm } : {}) });
    expect(d.root.startsWith(join(tmp, 'strata-ns', 'r', `p.${stepTag('p')}-`))).toBe(true);
    await removePodDirs(d);
  });

  it.each([
    { what: 'empty', write: false },
    { what: 'holding what the container wrote in its /tmp', write: true },
  ])('go with the directories of a private view made inside them ($what)', async ({ write }) => {
    const shm = await dirs.make();
    const d = await makePodDirs('r', 'p', true, { shmDir: shm, namespace: 'strata-ns' });
    const view = makePrivateView({ image: 'x' }, join(d.root, 'private'), d.scratch, [], true);
    d.inner = view.made;
    expect(existsSync(join(d.root, 'private', 'tmp'))).toBe(true);
    if (write) writeFileSync(join(d.root, 'private', 'tmp', 'left'), 'x');
    await removePodDirs(d);
    expect(existsSync(join(shm, 'strata-ns', 'r'))).toBe(false);
  });

  it('keep the run directory while another pod of the run uses it', async () => {
    const shm = await dirs.make();
    const a = await makePodDirs('r', 'a', true, { shmDir: shm, namespace: 'strata-ns' });
    const b = await makePodDirs('r', 'b', true, { shmDir: shm, namespace: 'strata-ns' });
    await removePodDirs(a);
    expect(existsSync(b.scratch)).toBe(true);
    await removePodDirs(b);
    expect(existsSync(join(shm, 'strata-ns', 'r'))).toBe(false);
  });

  it('never fail while pods of the same run come and go at once (the run directory removed in between is made again)', async () => {
    const shm = await dirs.make();
    const opts = { shmDir: shm, namespace: 'strata-ns' };
    await Promise.all(Array.from({ length: 3 }, async (_, i) => {
      for (let j = 0; j < 400; j++) await removePodDirs(await makePodDirs('r', `s${i}`, true, opts));
    }));
    expect(existsSync(join(shm, 'strata-ns', 'r'))).toBe(false);
  });

  it('live in a namespace of the instance\'s STRATA_HOME: two homes, two namespaces', () => {
    expect(homeNamespace('/srv/a')).toMatch(/^strata-[0-9a-f]{8}$/);
    expect(homeNamespace('/srv/a')).not.toBe(homeNamespace('/srv/b'));
    expect(homeNamespace('/srv/a/../a')).toBe(homeNamespace('/srv/a'));
  });

  it('name ids as one path segment', () => {
    expect(safeName('fan/3/ring/x#2')).toBe('fan_3_ring_x_2');
    expect(safeName('')).toBe('_');
  });
});
