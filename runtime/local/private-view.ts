/**
 * A private file system view per container on the local runtime (docs/flow-language.md,
 * A private file system view per container): the paths a task declares (volumes, the
 * directories of its inputs and outputs at a path) are each the container's own directory,
 * made with bubblewrap's mount namespace. The host's file system is bound in as it is and
 * the private directories over it; each is backed by a directory of this execution's own
 * (`root`), so parallel items and retries each have theirs and nothing is written to the
 * host's `/tmp` or `/workspace`. A declared path that does not exist on the host is never
 * created there: the deepest directory on its way that does exist becomes the container's
 * own (a tmpfs) with the host's entries in it bound back one by one, so it keeps `/etc`'s
 * or `/usr`'s files as an image keeps its own (at most MAX_BOUND_ENTRIES of them: bwrap
 * takes at most 9,000 arguments; a fuller directory stays empty, said in the log). A `/tmp`
 * of its own holds only the directories strata gives it (its step's directories and the one
 * it starts in).
 */
import { spawn } from 'node:child_process';
import { accessSync, constants, existsSync, lstatSync, mkdirSync, readdirSync, readlinkSync, statSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import type { RunTask } from '../../src/engine/types.ts';
import { copyEntry } from '../copy-tree.ts';
import { mkdirsBelow } from '../no-follow-writes.ts';
import { StepFileError } from '../output-files.ts';

export interface PrivateView {
  /** bubblewrap's arguments (before `--` and the program) */
  args: string[];
  /** where a path of the container's view is on this machine; undefined outside its private paths */
  hostPathOf(path: string): string | undefined;
  /** the directories made for it on this machine, innermost first (its private directories, then their root) */
  made?: string[];
  /** the mount points bubblewrap makes in its private directories on this machine, innermost first (mountPoints below): removed before `made` */
  mountPoints?: string[];
  /** lines for the container's log about its view (a directory of the host's too full to keep: rootArgs) */
  notes?: string[];
  /** lines true of every container this process starts (no UTS namespace here): said once a run (onceInRun) */
  runNotes?: string[];
}

/** Whether a task declares paths of its own (and so never runs without a private view). */
export function needsPrivateView(task: RunTask): boolean {
  return !!(task.volumes?.length || task.artifactPaths?.length || task.inputPaths?.length || Object.values(task.parameters ?? {}).some((p) => p.path.startsWith('/')));
}

/**
 * The directory every container on the local runtime has of its own where bubblewrap runs,
 * declared or not, as a container image gives it (docs/flow-language.md, A /tmp of its own).
 */
export const OWN_TMP = '/tmp';

/**
 * The private directories of a task: `/tmp` when `ownTmp` (unless a volume puts the pod's
 * scratch there), the volumes it declares, and the directories of its paths; nested ones
 * folded into the outer.
 */
export function privateDirs(task: RunTask, ownTmp = false): string[] {
  const scratchAtTmp = (task.volumes ?? []).some((v) => v.from === 'scratch' && (v.path === OWN_TMP || OWN_TMP.startsWith(`${v.path}/`)));
  const all = [
    ...(ownTmp && !scratchAtTmp ? [OWN_TMP] : []),
    ...(task.volumes ?? []).filter((v) => v.from !== 'scratch').map((v) => v.path),
    ...(task.artifactPaths ?? []).map((a) => dirname(a.path)),
    ...(task.inputPaths ?? []).map((i) => dirname(i.path)),
    ...Object.values(task.parameters ?? {}).filter((p) => p.path.startsWith('/')).map((p) => dirname(p.path)),
  ].filter((d) => d !== '/');
  return outerDirs(all);
}

/** `all` without repeats and without the directories nested in another of them. */
function outerDirs(all: string[]): string[] {
  const sorted = [...new Set(all)].sort((a, b) => a.length - b.length);
  return sorted.filter((d, i) => !sorted.slice(0, i).some((o) => d.startsWith(`${o}/`)));
}

/**
 * The private directories of a task on the local runtime: privateDirs, and its working
 * directory when the host lacks it and no private directory holds it. The OCI runtime a
 * Kubernetes pod runs in creates a missing working directory before it starts the process
 * (runc "create cwd if it doesn't exist", opencontainers/runc PR 1604; crun and cri-o do the
 * same), so the container starts in an empty directory of its own (Argo tester 6, Q21); here
 * it is made in the view, never on the host.
 */
function viewDirs(task: RunTask, ownTmp: boolean): string[] {
  const dirs = privateDirs(task, ownTmp);
  const wd = task.workingDir;
  if (!wd || !wd.startsWith('/') || dirs.some((d) => wd === d || wd.startsWith(`${d}/`)) || exists(wd)) return dirs;
  return outerDirs([...dirs, resolve(wd)]);
}

/**
 * Make the view of one execution: its private directories under `root`, and bubblewrap's
 * arguments binding them (and the pod's scratch where a volume asks for it) over the host's
 * file system, with the working directory (made in the view when the host lacks it, as
 * Kubernetes makes it). `keep`: host directories the container must
 * still see where a directory of the host becomes its own (its step's directories); the
 * directory this process runs in is always kept. `ownTmp`: `/tmp` is the container's own
 * too, declared or not. `hostname`: the pod's name, its host name in a UTS namespace of its
 * own where bubblewrap makes one (ownHostname).
 */
export function makePrivateView(task: RunTask, root: string, scratchDir?: string, keep: string[] = [], ownTmp = false, hostname?: string): PrivateView {
  const dirs = viewDirs(task, ownTmp);
  const binds: Array<[string, string]> = dirs.map((d) => [join(root, d), d]);
  for (const v of task.volumes ?? []) if (v.from === 'scratch' && scratchDir) binds.push([scratchDir, v.path]);
  // A parent before its children, whatever the order they are declared in (the pod's scratch at
  // /shared, a directory of its own at /shared/own), as Kubernetes' container runtime mounts
  // them (containerd pkg/cri/opts/spec_linux.go WithMounts: sorted by their number of path parts).
  binds.sort(([, a], [, b]) => partsOf(a) - partsOf(b));
  // Synchronous: a few directories, in RAM for a pod's (pod-dirs.ts), take microseconds each,
  // less than a hop to libuv's thread pool and back; this is on every container's start.
  mkdirOnce(root);
  for (const d of dirs) mkdirSync(join(root, d), { recursive: true });
  const hostPathOf = (path: string): string | undefined => (dirs.some((d) => path === d || path.startsWith(`${d}/`)) ? join(root, path) : undefined);
  // A volume inside another of the container's own directories (/data/cache in /data) is folded
  // into it (privateDirs), and is a directory there, as its mount point is in Kubernetes.
  const inner = (task.volumes ?? []).filter((v) => v.from !== 'scratch' && !dirs.includes(v.path)).map((v) => join(root, v.path));
  for (const d of inner) mkdirSync(d, { recursive: true });
  // A working directory inside a private path starts there, made if the program expects it.
  const wd = task.workingDir;
  if (wd && hostPathOf(wd)) mkdirSync(hostPathOf(wd)!, { recursive: true });
  const targets = binds.map(([, c]) => c);
  const kept = [...keep, ...(scratchDir ? [scratchDir] : []), process.cwd()].map((k) => resolve(k));
  // Kept host directories under a private one (a step's directories under /tmp) are bound back over it.
  const backKept = kept.filter((k, i) => kept.indexOf(k) === i && dirs.some((d) => k.startsWith(`${d}/`)) && exists(k));
  const back = backKept.flatMap((k) => ['--bind', k, k]);
  const notes: string[] = [];
  const uts = hostname ? utsAnswered.get(bwrapCommand()) : null;
  const runNotes = uts ? [`this container's host name is the machine's (its HOSTNAME is the pod's name): a host name of its own needs a UTS namespace, which bubblewrap could not make: ${uts}${SAID_ONCE}`] : [];
  const args = ['--die-with-parent', ...ownHostname(hostname), ...rootArgs(targets, kept, notes), ...binds.flatMap(([h, c]) => ['--bind', h, c]), ...back, ...(wd ? ['--chdir', wd] : [])];
  return { args, hostPathOf, made: [...inner.sort((a, b) => b.length - a.length), ...dirs.map((d) => join(root, d)), root], mountPoints: mountPoints(root, dirs, backKept), ...(notes.length ? { notes } : {}), ...(runNotes.length ? { runNotes } : {}) };
}

/** The number of parts of an absolute path (`/data/cache`: 2). */
function partsOf(path: string): number {
  return path.split('/').filter(Boolean).length;
}

/**
 * The directories bubblewrap makes in a private directory's backing (under `root`, on this
 * machine) as mount points of the host directories bound back into it (a step's directories
 * under /tmp: STRATA_HOME there), innermost first. Known, the pod's directories are removed
 * one `rmdir` each (pod-dirs.ts): unknown, they made every such container's removal fall
 * back to a recursive walk (docs/performance.md).
 */
function mountPoints(root: string, dirs: string[], backKept: string[]): string[] {
  const points = new Set<string>();
  for (const k of backKept) {
    const d = dirs.find((o) => k.startsWith(`${o}/`))!;
    for (let p = k; p !== d && p.length > d.length; p = dirname(p)) points.add(join(root, p));
  }
  // Deeper first: a mount point's parent is removed after it.
  return [...points].sort((a, b) => b.length - a.length);
}

/** Make `dir` when missing (its parent exists): one system call where a recursive mkdir would try the deepest path first. */
function mkdirOnce(dir: string): void {
  try {
    mkdirSync(dir);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') mkdirSync(dir, { recursive: true });
  }
}

/**
 * At most this many host entries are bound one by one into the directories a view makes its
 * own (all of them together): three of bubblewrap's arguments each, and bwrap takes at most
 * 9,000 (MAX_ARGS in bubblewrap.c).
 */
export const MAX_BOUND_ENTRIES = 2500;

/**
 * The namespace's root. The host's root is bound whole, and for each declared path missing
 * on the host the deepest directory on its way that exists (`/etc` for `/etc/myapp/x`) is
 * made the container's own: a tmpfs over it in the namespace, with each of the host's
 * entries in it bound (or linked) back, so the container still sees the host's `/etc/passwd`
 * or `/usr/bin` (as an image keeps its own) and binding a private path makes its mount point
 * in the tmpfs, never on the host (Argo tester 8, S8: an empty tmpfs there took `/usr` and
 * `/etc` away). Nested ones are made outer first. A directory holding more entries than are
 * left of MAX_BOUND_ENTRIES stays empty but for the kept directories in it, said in `notes`.
 * A path whose top-level directory is missing (`/workspace`) needs a root of the namespace's
 * own: a tmpfs whose entries are the host's root entries, bound the same way (past the
 * limit: a StepFileError).
 */
function rootArgs(targets: string[], keep: string[], notes: string[]): string[] {
  const missing = targets.filter((t) => !exists(t));
  if (missing.length === 0) return ['--dev-bind', '/', '/'];
  // Outer first: an inner one's tmpfs goes over the host's directory bound back into the outer.
  const owned = [...new Set(missing.map(deepestExisting))].sort((a, b) => a.length - b.length);
  let left = MAX_BOUND_ENTRIES;
  const args: string[] = ['--dev-bind', '/', '/'];
  if (owned.includes('/')) {
    const entries = readdirSync('/');
    if (entries.length > left) {
      throw new StepFileError(`the host's / holds ${entries.length} entries, more than the ${MAX_BOUND_ENTRIES} a private view binds beside a missing top-level directory (${missing.join(', ')}): declare a path under an existing directory`);
    }
    left -= entries.length;
    // bubblewrap's new root is a tmpfs already.
    args.length = 0;
    entryArgs('/', entries, targets, args);
  }
  for (const dir of owned.filter((d) => d !== '/')) {
    args.push('--tmpfs', dir);
    const entries = listed(dir);
    if (entries && entries.length <= left) {
      left -= entries.length;
      entryArgs(dir, entries, targets, args);
      continue;
    }
    const under = missing.filter((m) => m.startsWith(`${dir}/`));
    notes.push(`the host's ${dir} ${entries ? `holds ${entries.length} entries, more than a private view binds back (${MAX_BOUND_ENTRIES} in all)` : 'cannot be listed'} beside the missing declared path ${under.join(', ')}: in this container ${dir} is its own, holding only its declared paths and the step's directories`);
    // Only directories strictly inside it: keeping the directory itself would give the host's back.
    for (const k of keep) if (k.startsWith(`${dir}/`) && exists(k)) args.push('--bind', k, k);
  }
  return args;
}

/** The names in the host's `dir`; undefined when it cannot be read. */
function listed(dir: string): string[] | undefined {
  try {
    return readdirSync(dir);
  } catch {
    return undefined;
  }
}

/** The host's `entries` of `dir`, each bound (or linked) back into the tmpfs over it, the declared paths left out: added to `args`. */
function entryArgs(dir: string, entries: string[], targets: string[], args: string[]): void {
  for (const e of entries) {
    const full = join(dir, e);
    if (targets.includes(full)) continue;
    const st = lstatSync(full, { throwIfNoEntry: false });
    if (!st) continue;
    if (st.isSymbolicLink()) args.push('--symlink', readlinkSync(full), full);
    else args.push('--dev-bind', full, full);
  }
}

/** The deepest directory on the way to `path` that exists on the host (`/` at worst). */
function deepestExisting(path: string): string {
  let dir = dirname(path);
  while (dir !== '/' && !exists(dir)) dir = dirname(dir);
  return dir;
}

function exists(path: string): boolean {
  return lstatSync(path, { throwIfNoEntry: false }) !== undefined;
}

/** The bubblewrap program: `STRATA_BWRAP` (a path), else `bwrap` on the PATH. */
export function bwrapCommand(): string {
  return process.env.STRATA_BWRAP || 'bwrap';
}

const checked = new Map<string, Promise<string | undefined>>();
/** The answers of bwrapProblem once they came: `null` where bubblewrap runs. */
const answered = new Map<string, string | null>();
/** Whether bubblewrap makes a UTS namespace here, known with bwrapProblem's answer: `null` where it does, else why not. */
const utsAnswered = new Map<string, string | null>();

/**
 * bwrapProblem's answer when it is known already (asked before in this process): `null`
 * where bubblewrap runs, the reason where it cannot; undefined when not known yet. Lets a
 * container start in the tick it is decided in, without waiting on a settled promise.
 */
export function bwrapKnown(cmd = bwrapCommand()): string | null | undefined {
  return answered.get(cmd);
}

/** The probe's answer: undefined when `cmd args` exits 0, else why not. */
function probe(cmd: string, args: string[]): Promise<string | undefined> {
  return new Promise<string | undefined>((resolve) => {
    let err = '';
    const child = spawn(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.stderr.on('data', (b: Buffer) => (err = (err + b.toString()).slice(0, 500)));
    child.once('error', (e) => {
      clearTimeout(timer);
      resolve((e as NodeJS.ErrnoException).code === 'ENOENT' ? 'bwrap is not installed' : e.message);
    });
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve(code === 0 ? undefined : `bwrap exited with code ${code}${err.trim() ? `: ${err.trim().slice(0, 300)}` : ''}`);
    });
  });
}

/**
 * Whether bubblewrap can make a namespace here: undefined when it can, else why not (not
 * installed, or refused by the kernel or the container strata runs in). Asked once per
 * process (and program): first with a UTS namespace of its own (a pod's host name,
 * ownHostname), then, where that is refused, without one.
 */
export function bwrapProblem(cmd = bwrapCommand()): Promise<string | undefined> {
  const known = checked.get(cmd);
  if (known) return known;
  const answer = (async () => {
    const uts = await probe(cmd, ['--unshare-uts', '--hostname', 'strata-probe', '--ro-bind', '/', '/', '--', 'true']);
    if (uts === undefined) {
      utsAnswered.set(cmd, null);
      return undefined;
    }
    const plain = await probe(cmd, ['--ro-bind', '/', '/', '--', 'true']);
    utsAnswered.set(cmd, uts);
    return plain;
  })();
  checked.set(cmd, answer);
  void answer.then((a) => answered.set(cmd, a ?? null));
  return answer;
}

/**
 * bubblewrap's arguments giving a container the host name `name` in a UTS namespace of its
 * own, as a Kubernetes pod's containers have their pod's name (`hostname`, uname(2)); none
 * where bubblewrap cannot make one (bwrapProblem asked first), the machine's name then
 * (docs/flow-language.md, The environment). Host names are at most 64 bytes (HOST_NAME_MAX).
 */
export function ownHostname(name: string | undefined, cmd = bwrapCommand()): string[] {
  if (!name || utsAnswered.get(cmd) !== null) return [];
  return ['--unshare-uts', '--hostname', name.slice(0, 64)];
}

/** The sentence a task gets when it declares paths and bubblewrap cannot run. */
export function noPrivateView(reason: string): string {
  return `volumes and paths of a container's own need bubblewrap (bwrap), which could not run: ${reason}; install the bubblewrap package (strata's scripts do with apt-get as root), or drop volumes and absolute paths from the task`;
}

/**
 * The exit codes a program that cannot be started gets: a shell's (POSIX sh, "Exit Status"
 * of Shell Command Language), 127 when the command is not found, 126 when it is found but
 * cannot be run. It is the step's failure, not strata's error (Argo tester 8, S10): in Argo
 * the main container's emissary fails to find the program and exits 64
 * (cmd/argoexec/commands/emissary.go, `exec.LookPath`), so the node is Failed.
 */
export const START_EXIT = { notFound: 127, notExecutable: 126 } as const;

/** Why a program could not start: the sentence, and the exit code of a program's own failure (START_EXIT) when it is one. */
export interface StartProblem {
  error: string;
  exitCode?: number;
}

/**
 * Why a program cannot start in a private view, in the words a container that cannot start
 * gets without one (process-driver.ts): its command missing or not executable, or its
 * working directory missing. Paths outside the view's private directories are the host's;
 * inside them, only files strata put there exist, so a command there is left to bubblewrap.
 */
export function startProblem(cmd: string, workingDir: string | undefined, path: string | undefined, inView?: (p: string) => string | undefined): StartProblem | undefined {
  if (workingDir !== undefined && !inView?.(workingDir) && !existsSync(workingDir)) return { error: `could not start "${cmd}": working directory ${workingDir} does not exist` };
  const notFound = { error: `could not start "${cmd}": command not found`, exitCode: START_EXIT.notFound };
  const notExecutable = { error: `could not start "${cmd}": permission denied (not executable?)`, exitCode: START_EXIT.notExecutable };
  if (cmd.includes('/')) {
    const at = resolve(workingDir ?? '/', cmd);
    if (inView?.(at)) return undefined;
    if (!existsSync(at)) return notFound;
    return executable(at) ? undefined : notExecutable;
  }
  // As execvp looks: the first executable one on PATH runs (the rest are not looked at); one that exists but is not executable is skipped.
  let seen = false;
  for (const dir of (path ?? '').split(':')) {
    if (!dir) continue;
    const f = join(dir, cmd);
    if (inView?.(f) || !existsSync(f)) continue;
    if (executable(f)) return undefined;
    seen = true;
  }
  return seen ? notExecutable : notFound;
}

function executable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return statSync(file).isFile();
  } catch {
    return false;
  }
}

/** The line a container's log gets when its /tmp is the host's and its host name the machine's, because bubblewrap cannot run (said once a run: onceInRun). */
export function hostTmp(reason: string): string {
  return `this container's /tmp is the host's, shared with other steps, and its host name the machine's (its HOSTNAME is the pod's name): a /tmp and a host name of its own need bubblewrap (bwrap), which could not run: ${reason}${SAID_ONCE}`;
}

/** What a line said once a run adds, so a reader of one container's log knows it holds for the others. */
const SAID_ONCE = ' (said once a run, in the log of the first container each worker or pod starts; it holds for every container)';

/** How many (run, line) pairs onceInRun remembers, the oldest forgotten first: a run past them is told again. */
const TOLD_MAX = 1000;
const told = new Set<string>();

/**
 * The lines of `lines` this process has not said yet for run `runId`, remembered as said.
 * What holds for every container a process starts (bubblewrap cannot make a UTS namespace,
 * or cannot run) is said in the log of its first container of each run, not in each one's:
 * a log line is a log append, one Redis round trip, a step (issue 9). A worker's containers
 * share the run's; a pod's quarterback is a process of its own, so it says it once a pod.
 */
export function onceInRun(runId: string, lines: readonly string[] = []): string[] {
  return lines.filter((line) => {
    const key = `${runId}\n${line}`;
    if (told.has(key)) return false;
    told.add(key);
    if (told.size > TOLD_MAX) told.delete(told.values().next().value!);
    return true;
  });
}

/** Inputs declared at a path are copied into the view, where the program reads them. */
export async function copyInputsIn(view: PrivateView, task: RunTask, inputsDir: string): Promise<void> {
  for (const { name, path, optional } of task.inputPaths ?? []) {
    const to = view.hostPathOf(path)!;
    // The view's directories may hold what the step (or a sibling sharing them) wrote: no
    // directory on the way below the private directory strata made may be a link.
    const base = [...(view.made ?? [])].sort((a, b) => b.length - a.length).find((m) => to.startsWith(`${m}/`));
    if (base) await mkdirsBelow(base, dirname(to), `input "${name}" (${path})`);
    else await mkdir(dirname(to), { recursive: true });
    // An optional input left out of the inputs (its step wrote none) is not there either.
    if (!(await copyEntry(join(inputsDir, name), to, `input "${name}"`)) && !optional) throw new StepFileError(`input "${name}" is missing from the step's inputs`);
  }
}

/** Artifacts declared at a path are collected from the view into STRATA_OUTPUTS under their names. */
export async function copyArtifactsOut(view: PrivateView, task: RunTask, outputsDir: string): Promise<void> {
  for (const { name, path } of task.artifactPaths ?? []) {
    if (!(await copyEntry(view.hostPathOf(path)!, join(outputsDir, name), `output "${name}" (${path})`)) && !task.optionalOutputs?.includes(name)) {
      throw new StepFileError(`declared output "${name}" was not written to ${path}`);
    }
  }
}
