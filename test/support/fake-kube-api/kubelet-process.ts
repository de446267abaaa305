/**
 * Process mode of the stand-in kubelet: a container is a real process in its own process
 * group and its own mount namespace (bubblewrap, as a container runtime would make one),
 * run from its command (or its image's entrypoint, from `images`), with its env
 * (fieldRefs resolved) and its output captured as its log. Container paths are real:
 * every volume is bound at its mount path, and nothing is mapped. A container that mounts
 * the pod's projected ServiceAccount token gets a kubeconfig for this API server whose
 * token names that ServiceAccount.
 */
import { spawn } from 'node:child_process';
import { expandKube } from '../../../src/flow/kube-expansion.ts';
import { existsSync, lstatSync, mkdirSync, readdirSync, readlinkSync, realpathSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { bwrapCommand } from '../../../runtime/local/private-view.ts';
import type { KObj } from './store.ts';

export interface ProcessOptions {
  /** host directory under which each pod's volumes are made */
  root: string;
  /** image -> argv of its entrypoint, for containers that name no command */
  images: Record<string, string[]>;
  /** files of images: container path -> host path */
  files: Record<string, string>;
  /** PersistentVolumeClaim name -> host directory */
  claims: Record<string, string>;
  /** working directory of containers that name none; it stands for the images' files (the checkout the tests run from) */
  cwd: string;
  /** environment every container starts from (PATH and the like) */
  env: Record<string, string>;
  /** a kubeconfig's text for a token */
  kubeconfigYaml: (token: string) => string;
}

export interface RunningProcess {
  signal(sig: NodeJS.Signals): void;
  /** `startError`: the container runtime's words when the command could not be started at all (containerd's StartError) */
  exited: Promise<{ code: number | null; signal: string | null; startError?: string }>;
}

/**
 * What containerd says when a container's command cannot be started (the pod's container
 * status is then terminated, reason StartError, exit code 128), from bubblewrap's words
 * when its execvp failed (`bwrap: execvp X: No such file or directory`); undefined for any
 * other output.
 */
export function startErrorOf(output: string): string | undefined {
  const m = /^bwrap: execvp (.+): (No such file or directory|Permission denied)$/m.exec(output);
  if (!m) return undefined;
  const [, cmd, why] = m;
  const cause = why === 'Permission denied' ? 'permission denied' : cmd.includes('/') ? `stat ${cmd}: no such file or directory` : 'executable file not found in $PATH';
  return `failed to create containerd task: failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: exec: "${cmd}": ${cause}: unknown`;
}

/**
 * Start a container under bubblewrap. `mounts`: [mountPath, host directory] pairs, bound
 * writable at their paths. Where bubblewrap cannot start, the container exits 128 and its
 * log says why.
 */
export function startProcess(pod: KObj, spec: KObj, mounts: Array<[string, string]>, opts: ProcessOptions, onOutput: (text: string) => void, token: string | undefined): RunningProcess {
  const env: Record<string, string> = Object.fromEntries(Object.entries(opts.env).filter(([k]) => !k.startsWith('KUBERNETES_')));
  // A container's hostname is its pod's name, in HOSTNAME too.
  env.HOSTNAME = pod.metadata.name;
  // As the kubelet: each env value's `$(VAR)` from the entries before it, command and args from them all (src/flow/kube-expansion.ts).
  const declared: Record<string, string> = {};
  for (const e of spec.env ?? []) {
    if (e.value !== undefined) env[e.name] = declared[e.name] = expandKube(e.value, (n) => (Object.hasOwn(declared, n) ? declared[n] : undefined));
    const field = e.valueFrom?.fieldRef?.fieldPath;
    if (field === 'metadata.name') env[e.name] = declared[e.name] = pod.metadata.name;
    if (field === 'metadata.namespace') env[e.name] = declared[e.name] = pod.metadata.namespace;
  }
  if (token) {
    const dir = join(opts.root, '.kubeconfigs');
    mkdirSync(dir, { recursive: true });
    const file = join(dir, `${pod.metadata.namespace}-${pod.metadata.name}-${spec.name}`);
    writeFileSync(file, opts.kubeconfigYaml(token));
    env.KUBECONFIG = file;
  }
  const expand = (t: string): string => expandKube(t, (n) => (Object.hasOwn(declared, n) ? declared[n] : undefined));
  const command = [...(spec.command?.map(expand) ?? opts.images[spec.image] ?? []), ...(spec.args ?? []).map(expand)];
  if (command.length === 0) {
    onOutput(`no command, and image ${spec.image} has no known entrypoint\n`);
    return { signal: () => undefined, exited: Promise.resolve({ code: 127, signal: null }) };
  }
  const image = [opts.cwd, ...(opts.images[spec.image] ?? []).filter((p: string) => p.startsWith('/')), ...(env.KUBECONFIG ? [env.KUBECONFIG] : [])];
  // As a pod's containers share its UTS namespace, whose host name is the pod's name (at most 63 characters, as the kubelet cuts it).
  const argv = [bwrapCommand(), '--unshare-uts', '--hostname', pod.metadata.name.slice(0, 63), ...namespaceArgs(mounts, opts.files, image, spec.workingDir ?? opts.cwd), '--', ...command];
  const child = spawn(argv[0], argv.slice(1), { cwd: '/', env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  // The first bytes of standard error: bubblewrap's words when it could not start the command.
  let head = '';
  child.stdout.on('data', (b: Buffer) => onOutput(b.toString()));
  child.stderr.on('data', (b: Buffer) => {
    if (head.length < 1000) head += b.toString();
    onOutput(b.toString());
  });
  const exited = new Promise<{ code: number | null; signal: string | null; startError?: string }>((resolve) => {
    child.once('error', (e) => {
      onOutput(`the stand-in kubelet runs each container under bubblewrap, which cannot start here (${argv[0]}: ${e.message}); strata's test script installs it (scripts/ensure-bubblewrap.mjs)\n`);
      resolve({ code: 128, signal: null });
    });
    child.once('close', (code, signal) => {
      const startError = code === 1 ? startErrorOf(head) : undefined;
      resolve(startError ? { code: 128, signal, startError } : { code, signal });
    });
  });
  return {
    signal(sig) {
      if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
      try {
        process.kill(-child.pid, sig);
      } catch {
        try {
          child.kill(sig);
        } catch {
          // gone
        }
      }
    },
    exited,
  };
}

/**
 * bubblewrap's arguments for a container's mount namespace: a root of its own holding the
 * host's entries read-only (the image), a fresh /proc and /dev, every mount bound writable
 * at its path (outer ones first), the image's files and `image` paths bound back read-only
 * over the mounts, and the working directory; `/tmp` an empty tmpfs, as an image's is
 * empty and writable. A mount point missing on the host is made as
 * a container runtime makes it in the image: each host directory on its way becomes a
 * tmpfs holding that directory's entries, bound one by one.
 */
function namespaceArgs(volumes: Array<[string, string]>, files: Record<string, string>, image: string[], cwd: string): string[] {
  // Through the host's links (/var/run -> /run), which the namespace has too.
  const mounts = volumes.map(([path, dir]): [string, string] => [realTarget(path), dir]);
  const targets = mounts.map(([path]) => path);
  const opened = new Set<string>();
  for (const t of targets) {
    if (existsSync(t) || t.startsWith('/tmp/') || targets.some((o) => o !== t && t.startsWith(`${o}/`))) continue;
    let d = dirname(t);
    while (d !== '/' && !existsSync(d)) d = dirname(d);
    for (let a = d; a !== '/'; a = dirname(a)) opened.add(a);
  }
  const args = ['--die-with-parent', '--proc', '/proc', '--dev', '/dev'];
  const walk = (dir: string) => {
    for (const e of readdirSync(dir)) {
      const full = dir === '/' ? `/${e}` : `${dir}/${e}`;
      if (full === '/proc' || full === '/dev') continue;
      // An image's /tmp: empty and writable.
      if (full === '/tmp') {
        args.push('--tmpfs', '/tmp');
        continue;
      }
      const st = lstatSync(full, { throwIfNoEntry: false });
      if (!st) continue;
      if (st.isSymbolicLink()) args.push('--symlink', readlinkSync(full), full);
      else if (opened.has(full)) {
        args.push('--tmpfs', full);
        walk(full);
      } else if (st.isDirectory() || st.isFile()) args.push('--ro-bind', full, full);
    }
  };
  walk('/');
  for (const [path, dir] of mounts.sort((a, b) => a[0].length - b[0].length)) args.push('--bind', dir, path);
  for (const [path, file] of Object.entries(files)) args.push('--ro-bind', file, path);
  for (const p of image) if (existsSync(p)) args.push('--ro-bind', p, p);
  args.push('--chdir', cwd);
  return args;
}

/** A path with the part of it that exists on the host resolved through links. */
function realTarget(path: string): string {
  let dir = path;
  while (dir !== '/' && !existsSync(dir)) dir = dirname(dir);
  const real = realpathSync(dir);
  return dir === path ? real : join(real, path.slice(dir.length));
}
