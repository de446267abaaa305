/**
 * Process mode of the stand-in kubelet: a container is a real process in its own process
 * group, run from its command (or its image's entrypoint, from `images`), with its env
 * (fieldRefs resolved, container paths mapped to host paths) and its output captured as
 * its log. A container that mounts the pod's projected ServiceAccount token gets a
 * kubeconfig for this API server whose token names that ServiceAccount.
 */
import { spawn } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, readdirSync, readlinkSync, realpathSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { toHost, type PathMap } from './pod-paths.ts';
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
  /** working directory of containers that name none */
  cwd: string;
  /** environment every container starts from (PATH and the like) */
  env: Record<string, string>;
  /** a kubeconfig's text for a token */
  kubeconfigYaml: (token: string) => string;
  /**
   * Run each container in a mount namespace of its own (bubblewrap), as a container runtime
   * would: the host's file system read-only as the image, each volume mount bound writable
   * at its mountPath, the image's files (`files`, the entrypoints of `images`, `cwd`) bound
   * back on top. Container paths are then real and nothing is mapped. Off: paths in a
   * container's command, args, env and working directory are mapped to the mounts'
   * directories (a path written inside a script is not), and a subPath mounted over a
   * directory the host has is refused (the program would touch the host's).
   */
  namespaces?: boolean;
}

export interface RunningProcess {
  signal(sig: NodeJS.Signals): void;
  exited: Promise<{ code: number | null; signal: string | null }>;
}

export function startProcess(pod: KObj, spec: KObj, map: PathMap, opts: ProcessOptions, onOutput: (text: string) => void, token: string | undefined): RunningProcess {
  const ns = opts.namespaces === true;
  const host = (v: string) => (!ns && v.startsWith('/') ? toHost(map, v) : v);
  const env: Record<string, string> = Object.fromEntries(Object.entries(opts.env).filter(([k]) => !k.startsWith('KUBERNETES_')));
  for (const e of spec.env ?? []) {
    if (e.value !== undefined) env[e.name] = host(e.value);
    const field = e.valueFrom?.fieldRef?.fieldPath;
    if (field === 'metadata.name') env[e.name] = pod.metadata.name;
    if (field === 'metadata.namespace') env[e.name] = pod.metadata.namespace;
  }
  if (token) {
    const dir = join(opts.root, '.kubeconfigs');
    mkdirSync(dir, { recursive: true });
    const file = join(dir, `${pod.metadata.namespace}-${pod.metadata.name}-${spec.name}`);
    writeFileSync(file, opts.kubeconfigYaml(token));
    env.KUBECONFIG = file;
  }
  // An image's entrypoint is a path on this machine already; only the pod's own paths map
  // onto the node (a repository under /tmp must not be taken for the pod's /tmp volume).
  const entry = spec.command ? spec.command.map(host) : (opts.images[spec.image] ?? []);
  let argv = [...entry, ...(spec.args ?? []).map(host)];
  const refuse = (why: string): RunningProcess => {
    onOutput(`${why}\n`);
    return { signal: () => undefined, exited: Promise.resolve({ code: 127, signal: null }) };
  };
  if (argv.length === 0) return refuse(`no command, and image ${spec.image} has no known entrypoint`);
  let cwd = spec.workingDir ? host(spec.workingDir) : opts.cwd;
  if (ns) {
    const image = [opts.cwd, ...(opts.images[spec.image] ?? []).filter((p: string) => p.startsWith('/')), ...(env.KUBECONFIG ? [env.KUBECONFIG] : [])];
    argv = ['bwrap', ...namespaceArgs(map, opts.files, image, cwd), '--', ...argv];
    cwd = '/';
  } else {
    // A step's own directory over one this machine has (a pod's `/tmp`): its scripts would empty and fill the host's.
    const over = (spec.volumeMounts ?? []).find((m: KObj) => m.subPath && toHost(map, m.mountPath) !== m.mountPath && existsSync(m.mountPath));
    if (over) return refuse(`the stand-in kubelet cannot mount a subPath over ${over.mountPath}, a directory of this machine, without namespaces (useProcesses({ namespaces: true }))`);
  }
  const child = spawn(argv[0], argv.slice(1), { cwd, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout.on('data', (b: Buffer) => onOutput(b.toString()));
  child.stderr.on('data', (b: Buffer) => onOutput(b.toString()));
  const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) => {
    child.once('error', (e) => {
      onOutput(`cannot start ${argv[0]}: ${e.message}\n`);
      resolve({ code: 128, signal: null });
    });
    child.once('close', (code, signal) => resolve({ code, signal }));
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
function namespaceArgs(map: PathMap, files: Record<string, string>, image: string[], cwd: string): string[] {
  // Through the host's links (/var/run -> /run), which the namespace has too.
  const mounts = map.mounts.map(([path, dir]): [string, string] => [realTarget(path), dir]);
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
