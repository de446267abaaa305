/**
 * Process mode of the stand-in kubelet: a container is a real process in its own process
 * group, run from its command (or its image's entrypoint, from `images`), with its env
 * (fieldRefs resolved, container paths mapped to host paths) and its output captured as
 * its log. A container that mounts the pod's projected ServiceAccount token gets a
 * kubeconfig for this API server whose token names that ServiceAccount.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
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
}

export interface RunningProcess {
  signal(sig: NodeJS.Signals): void;
  exited: Promise<{ code: number | null; signal: string | null }>;
}

export function startProcess(pod: KObj, spec: KObj, map: PathMap, opts: ProcessOptions, onOutput: (text: string) => void, token: string | undefined): RunningProcess {
  const host = (v: string) => (v.startsWith('/') ? toHost(map, v) : v);
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
  const argv = [...entry, ...(spec.args ?? []).map(host)];
  if (argv.length === 0) {
    onOutput(`no command, and image ${spec.image} has no known entrypoint\n`);
    return { signal: () => undefined, exited: Promise.resolve({ code: 127, signal: null }) };
  }
  const child = spawn(argv[0], argv.slice(1), { cwd: spec.workingDir ? host(spec.workingDir) : opts.cwd, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
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
