/** The private file system view per container on the local runtime (bubblewrap), and its fallback. */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import type { PodReport, PodRequest } from '../../../runtime/pod-runtime.ts';
import { LocalRuntime } from '../../../runtime/local/local-runtime.ts';
import { bwrapCommand, bwrapProblem, hostTmp, makePrivateView, MAX_BOUND_ENTRIES, noPrivateView, privateDirs } from '../../../runtime/local/private-view.ts';
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

  it('binds the host root whole, with the deepest existing directory on the way to a missing path made the container\'s own, its host entries bound back', async () => {
    const root = await dirs.make();
    const whole = await makePrivateView({ image: 'x', volumes: [{ path: '/tmp' }] }, root);
    expect(whole.args.slice(0, 4)).toEqual(['--die-with-parent', '--dev-bind', '/', '/']);
    expect(whole.args).not.toContain('--tmpfs');
    // root exists here and root/nowhere does not: root becomes a tmpfs of the container's own, with the host's entries in it bound (or linked) back.
    mkdirSync(join(root, 'kept'));
    symlinkSync('kept', join(root, 'link'));
    const built = await makePrivateView({ image: 'x', volumes: [{ path: `${root}/nowhere/deep` }], workingDir: `${root}/nowhere/deep` }, join(root, 'private'), undefined, [join(root, 'kept'), root]);
    const entries = built.args.slice(6, -5);
    expect(built.args.slice(0, 6)).toEqual(['--die-with-parent', '--dev-bind', '/', '/', '--tmpfs', root]);
    // Four entries: tmp (the view above made it), kept, link, private.
    expect(entries.length).toBe(12);
    expect(entries).toEqual(expect.arrayContaining(['--dev-bind', join(root, 'kept'), join(root, 'kept'), '--symlink', 'kept', join(root, 'link')]));
    expect(built.args.slice(-5)).toEqual(['--bind', join(root, 'private', root, 'nowhere/deep'), `${root}/nowhere/deep`, '--chdir', `${root}/nowhere/deep`]);
    expect(built.notes).toBeUndefined();
    expect(built.hostPathOf(`${root}/nowhere/deep/a`)).toBe(join(root, 'private', root, 'nowhere/deep/a'));
    expect(built.hostPathOf('/elsewhere')).toBeUndefined();
    expect(existsSync(join(root, 'nowhere'))).toBe(false);
    // A missing top-level directory: a root of the namespace's own, the host's root entries bound into it.
    const top = await makePrivateView({ image: 'x', volumes: [{ path: '/strata-nowhere/deep' }] }, root);
    expect(top.args).not.toContain('/');
    expect(top.args[top.args.indexOf('/usr') - 1]).toBe('--dev-bind');
    expect(top.args.slice(-3)).toEqual(['--bind', join(root, 'strata-nowhere/deep'), '/strata-nowhere/deep']);
  });

  // A faithful crowd: more entries beside the missing path than bwrap takes arguments (9,000).
  const crowd = async (): Promise<string> => {
    const root = await dirs.make();
    for (let i = 0; i < 9_100; i++) writeFileSync(join(root, `host-${i}`), '');
    return root;
  };
  // What the container sees of the crowded directory, one name a line, on standard output.
  const lookAround = (root: string): RunTask => ({
    image: 'busybox',
    command: ['sh', '-c', 'echo made > "$1/missing/deep/x" && ls -A "$1" && echo \'{"ok":true}\' > "$STRATA_OUTPUTS/result.json"', 'sh', root],
    volumes: [{ path: join(root, 'missing/deep') }],
  });
  const said = (reports: PodReport[]): string => reports.map((r) => (r.type === 'log' && r.stream === 'stderr' ? r.chunk : '')).join('');
  const seen = (reports: PodReport[]): string[] => reports.flatMap((r) => (r.type === 'log' && r.stream === 'stdout' ? r.chunk.split('\n') : [])).filter(Boolean).sort();

  it('a missing path beside thousands of host entries (more than are bound back): its deepest existing directory is the container\'s own, said in its log (macro task)', async () => {
    const root = await crowd();
    const reports: PodReport[] = [];
    const r = req(root, lookAround(root));
    const outcome = await runtime.run(r, (x) => reports.push(x), new AbortController().signal);
    expect(outcome.error).toBeUndefined();
    expect(outcome).toMatchObject({ ok: true, result: { ok: true } });
    // The host's entries are not there; the step's own directories (its inputs and outputs, here under it) are.
    expect(seen(reports)).toEqual(['in', 'missing', 'out']);
    expect(said(reports)).toContain(`strata: the host's ${root} holds 9102 entries, more than a private view binds back (${MAX_BOUND_ENTRIES} in all) beside the missing declared path ${root}/missing/deep: in this container ${root} is its own`);
    expect(existsSync(join(root, 'missing'))).toBe(false);
  });

  it('a missing path beside thousands of host entries: the same inside a pod (micro)', async () => {
    const root = await crowd();
    const reports: PodReport[] = [];
    const pod = await runtime.run({ ...req(root, { image: 'x' }), kind: 'pod', task: undefined, step: 'p', pod: podRequestPod({ task: lookAround(root) }) }, (x) => reports.push(x), new AbortController().signal);
    expect(pod).toMatchObject({ ok: true });
    // Inside a pod the container's directories are the pod's, elsewhere: only its private path is in the crowded one.
    expect(seen(reports)).toEqual(['missing']);
    expect(said(reports)).toContain(`strata: the host's ${root} holds 9102 entries, more than a private view binds back`);
    expect(existsSync(join(root, 'missing'))).toBe(false);
  });

  it('a /tmp of its own keeps the step\'s directories where they are under /tmp, both levels', async () => {
    // A worker whose directories are in the host's /tmp (a STRATA_HOME or a disk scratch there).
    const root = mkdtempSync('/tmp/strata-own-tmp-dirs-');
    try {
      // A file of the host's /tmp beside the step's directories: the container must not see it.
      const hostFile = join(mkdtempSync('/tmp/strata-own-tmp-host-'), 'marker');
      writeFileSync(hostFile, 'host');
      const write = { image: 'alpine', command: ['sh', '-c', 'echo own > /tmp/strata-own-tmp-probe && if [ -e "$1" ]; then echo 1; else echo 0; fi > "$STRATA_OUTPUTS/result.json"', 'sh', hostFile] };
      const task = await runtime.run(req(root, write), () => undefined, new AbortController().signal);
      expect(task.error).toBeUndefined();
      // Its /tmp holds its probe and the way to its directories (kept where they are), nothing else of the host's.
      expect(task).toMatchObject({ ok: true, result: 0 });
      rmSync(dirname(hostFile), { recursive: true, force: true });
      const pod = await runtime.run({ ...req(root, { image: 'x' }), kind: 'pod', task: undefined, step: 'p', pod: podRequestPod({ task: write }, { scratch: 'disk' }) }, () => undefined, new AbortController().signal);
      expect(pod.ok, pod.error).toBe(true);
      expect(existsSync('/tmp/strata-own-tmp-probe')).toBe(false);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('knows the mount points bubblewrap makes for the step\'s directories under /tmp: its directories go one rmdir each, innermost first', async () => {
    // A STRATA_HOME in /tmp: the step's directories are bound back into the container's own
    // /tmp, and bubblewrap makes their mount points in its backing directory on this machine.
    const root = mkdtempSync('/tmp/strata-mount-points-');
    try {
      for (const d of ['home/work/in', 'home/work/out']) mkdirSync(join(root, d), { recursive: true });
      const view = makePrivateView({ image: 'x' }, join(root, 'private'), undefined, [join(root, 'home/work/in'), join(root, 'home/work/out')], true);
      expect(spawnSync(bwrapCommand(), [...view.args, '--', 'true']).status).toBe(0);
      const made = (dir: string): string[] => readdirSync(dir, { withFileTypes: true }).filter((e) => e.isDirectory()).flatMap((e) => [join(dir, e.name), ...made(join(dir, e.name))]);
      const listed = [...(view.mountPoints ?? []), ...(view.made ?? [])];
      expect(made(join(root, 'private')).filter((d) => !listed.includes(d))).toEqual([]);
      // What removePodDirs does: an rmdir each, in order; a directory not listed would leave its parent not empty.
      for (const d of listed) rmdirSync(d);
      expect(existsSync(join(root, 'private'))).toBe(false);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
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
      // A task that declares nothing runs with the host's /tmp, its log saying so.
      const mark = `/tmp/strata-fallback-${randomUUID()}`;
      const logs: PodReport[] = [];
      const plain = await runtime.run(req(await dirs.make(), { image: 'alpine', command: ['sh', '-c', `echo 1 > ${mark}`] }), (r) => logs.push(r), new AbortController().signal);
      expect(plain.ok).toBe(true);
      expect(logs).toContainEqual({ type: 'log', step: 't', stream: 'stderr', chunk: `strata: ${hostTmp('bwrap is not installed')}\n` });
      expect(existsSync(mark)).toBe(true);
      rmSync(mark);
      const pod = await runtime.run({ ...req(await dirs.make(), { image: 'x' }), kind: 'pod', task: undefined, step: 'p', pod: podRequestPod({ task: { image: 'alpine', command: ['true'], volumes: ['/tmp'] } }) }, () => undefined, new AbortController().signal);
      expect(pod.ok).toBe(false);
      expect(pod.error).toContain(error);
    } finally {
      if (saved === undefined) delete process.env.STRATA_BWRAP;
      else process.env.STRATA_BWRAP = saved;
    }
  });
});

describe('host name fallback: where bubblewrap runs but cannot make a UTS namespace', () => {
  it('the container runs in its view with the machine\'s host name, HOSTNAME the pod\'s, and its log says so', async () => {
    // A bubblewrap refusing --unshare-uts, as a kernel or seccomp policy without UTS namespaces would.
    const root = await dirs.make();
    const fake = join(root, 'bwrap-no-uts');
    writeFileSync(fake, `#!/bin/sh\nfor a in "$@"; do [ "$a" = --unshare-uts ] && { echo "bwrap: Creating new namespace failed: Operation not permitted" >&2; exit 1; }; done\nexec ${bwrapCommand()} "$@"\n`, { mode: 0o755 });
    const saved = process.env.STRATA_BWRAP;
    process.env.STRATA_BWRAP = fake;
    try {
      expect(await bwrapProblem(fake)).toBeUndefined();
      const logs: PodReport[] = [];
      const out = await runtime.run(req(await dirs.make(), { image: 'alpine', command: ['sh', '-c', 'echo "$(hostname) $HOSTNAME"'], result: 'text' }), (r) => logs.push(r), new AbortController().signal);
      expect(out.ok, JSON.stringify(logs)).toBe(true);
      const [uname, env] = String(out.result).split(' ');
      expect(uname).toBe(spawnSync('hostname').stdout.toString().trim());
      expect(env).toMatch(/^strata-/);
      const said = logs.map((l) => (l.type === 'log' ? l.chunk : '')).join('');
      expect(said).toContain('this container\'s host name is the machine\'s (its HOSTNAME is the pod\'s name)');
      expect(said).toContain('Operation not permitted');
    } finally {
      if (saved === undefined) delete process.env.STRATA_BWRAP;
      else process.env.STRATA_BWRAP = saved;
    }
  });
});
