/** The private file system view per container on the local runtime (bubblewrap), and its fallback. */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import type { PodReport, PodRequest } from '../../../runtime/pod-runtime.ts';
import { LocalRuntime } from '../../../runtime/local/local-runtime.ts';
import { bwrapProblem, makePrivateView, noPrivateView, privateDirs } from '../../../runtime/local/private-view.ts';
import type { RunTask } from '../../../src/engine/types.ts';
import { podRequestPod, TempDirs } from '../../sidecar/harness.ts';

const dirs = new TempDirs();
afterEach(() => dirs.cleanup());
const runtime = new LocalRuntime({ killGraceMs: 300 });

const req = (root: string, task: RunTask): PodRequest => {
  const runId = `run-${randomUUID().slice(0, 8)}`;
  // A worker makes a step's inputs and outputs directories before its pod runs.
  for (const d of ['in', 'out']) mkdirSync(join(root, d), { recursive: true });
  return { runId, step: 't', attempt: 1, kind: 'task', task, env: { STRATA_RUN: runId, STRATA_STEP: 't', STRATA_PARAMS: '{}' }, inputsDir: join(root, 'in'), outputsDir: join(root, 'out'), artifactsDir: join(root, 'artifacts') };
};

describe('private view', () => {
  it('declares the volumes and the directories of paths, nested ones folded into the outer', () => {
    const task: RunTask = {
      image: 'x',
      volumes: [{ path: '/workspace' }, { path: '/shared', from: 'scratch' }],
      artifactPaths: [{ name: 'o', path: '/workspace/sub/out' }, { name: 'p', path: '/mnt/out/file' }],
      inputPaths: [{ name: 'i', path: '/tmp/in/x' }],
      parameters: { n: { path: '/tmp/num' }, m: { path: 'rel.txt' } },
    };
    expect(privateDirs(task).sort()).toEqual(['/mnt/out', '/tmp', '/workspace']);
  });

  it('binds the host root whole when every private path exists there, and builds a root beside the host\'s otherwise', async () => {
    const root = await dirs.make();
    const whole = await makePrivateView({ image: 'x', volumes: [{ path: '/tmp' }] }, root);
    expect(whole.args.slice(0, 4)).toEqual(['--die-with-parent', '--dev-bind', '/', '/']);
    // /mnt exists here and /mnt/nowhere does not: /mnt is made in the namespace, its host entries bound one by one.
    const built = await makePrivateView({ image: 'x', volumes: [{ path: '/mnt/nowhere/deep' }], workingDir: '/mnt/nowhere/deep' }, root);
    const at = built.args.indexOf('/mnt');
    expect(built.args[at - 1]).toBe('--dir');
    expect(built.args).not.toContain('/');
    expect(built.args.slice(-5)).toEqual(['--bind', join(root, 'mnt/nowhere/deep'), '/mnt/nowhere/deep', '--chdir', '/mnt/nowhere/deep']);
    expect(built.hostPathOf('/mnt/nowhere/deep/a')).toBe(join(root, 'mnt/nowhere/deep/a'));
    expect(built.hostPathOf('/elsewhere')).toBeUndefined();
    expect(existsSync('/mnt/nowhere')).toBe(false);
  });

  it('bubblewrap runs on this machine (strata\'s scripts install it)', async () => {
    expect(await bwrapProblem()).toBeUndefined();
  });
});

describe('private view fallback: where bubblewrap cannot run', () => {
  it('a task that declares paths fails at start with the reason, in its error and its log; others run', async () => {
    const saved = process.env.STRATA_BWRAP;
    process.env.STRATA_BWRAP = '/nonexistent/bwrap';
    try {
      const reports: PodReport[] = [];
      const outcome = await runtime.run(req(await dirs.make(), { image: 'alpine', command: ['true'], volumes: [{ path: '/tmp' }] }), (r) => reports.push(r), new AbortController().signal);
      const error = noPrivateView('bwrap is not installed');
      expect(outcome).toEqual({ ok: false, error });
      expect(reports).toContainEqual({ type: 'log', step: 't', stream: 'stderr', chunk: `strata: ${error}\n` });
      const plain = await runtime.run(req(await dirs.make(), { image: 'alpine', command: ['true'] }), () => undefined, new AbortController().signal);
      expect(plain.ok).toBe(true);
      const pod = await runtime.run({ ...req(await dirs.make(), { image: 'x' }), kind: 'pod', task: undefined, step: 'p', pod: podRequestPod({ task: { image: 'alpine', command: ['true'], volumes: ['/tmp'] } }) }, () => undefined, new AbortController().signal);
      expect(pod.ok).toBe(false);
      expect(pod.error).toContain(error);
    } finally {
      if (saved === undefined) delete process.env.STRATA_BWRAP;
      else process.env.STRATA_BWRAP = saved;
    }
  });
});
