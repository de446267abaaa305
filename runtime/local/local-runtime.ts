/**
 * PodRuntime `local`, the default: a pod is a process group on this machine.
 * - kind task: one container, a child process in its own group (run-task.ts), started by
 *   the runtime's process launcher (runtime/process/launcher.ts), a small process whose
 *   forks are cheap and do not stop the worker's event loop.
 * - kind pod: the quarterback sidecar as a child in its own group, running the micro plan
 *   with the pod's scratch dir in RAM (/dev/shm) and an ipc dir; its reports are relayed
 *   to the worker as they arrive.
 * Aborting (cancel) or the pod's timeout kills everything the pod started; when run()
 * resolves nothing it started is running and its directories are gone. Everything a pod
 * starts and makes is registered with the worker's watchdog (runtime/watchdog), which
 * kills and removes it should the worker die first; and before a step runs, any earlier
 * copy of it on this machine (a worker that froze past its job lock, or died) is stopped
 * (stale-pods.ts). Pod directories live in the instance's namespace (pod-dirs.ts).
 */
import { rmdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { MicroPlan } from '../quarterback/micro-plan.ts';
import { anchorMap, loadImageMap, type ImageMap } from '../image-map.ts';
import { rebuiltSinceStart } from '../built-copy.ts';
import { defaultLauncher, Launcher } from '../process/launcher-client.ts';
import type { PodOutcome, PodReport, PodRequest, PodRuntime } from '../pod-runtime.ts';
import { Guard } from '../watchdog/guard.ts';
import { abortedByTimeout, abortReason, withTimeout } from './abort-reason.ts';
import { homeNamespace, makePodDirs, podDirBases, removePodDirs, type PodDirOptions, type PodDirs } from './pod-dirs.ts';
import { runQuarterbackProcess } from './quarterback-process.ts';
import { runTask } from './run-task.ts';
import { reapStalePods, stopCopiesOf, stopEarlierCopies } from './stale-pods.ts';
import { pidMark } from './pid-window.ts';
import { sweep } from './sweep.ts';
import { inheritedEnv, quarterbackEnv } from '../host-env.ts';
import { namingFile } from '../no-follow-writes.ts';

export interface LocalRuntimeOptions {
  /** image name -> local command (default: built-ins, STRATA_HOME/images.json, STRATA_IMAGE_MAP) */
  imageMap?: ImageMap;
  /** RAM file system for pods' scratch (default /dev/shm; the tmp dir where it is missing) */
  shmDir?: string;
  /** where scratch goes without RAM (default the OS tmp dir) */
  tmpDir?: string;
  /** STRATA_HOME: pod directories are kept in this instance's namespace on the machine (default $STRATA_HOME or .strata) */
  home?: string;
  /** SIGTERM to SIGKILL grace when stopping a container (default 2000 ms) */
  killGraceMs?: number;
  /** argv that starts the quarterback (default: node with QUARTERBACK_NODE_FLAGS on sidecar/bin.cjs, quarterback-process.ts) */
  quarterback?: string[];
  /** environment containers inherit, STRATA_*, REDIS_URL, PORT and HOST left out (host-env.ts; default process.env) */
  env?: Record<string, string | undefined>;
  /** STRATA_FILE_ROOTS, handed to the quarterback for file:// sources of micro cycles; absent: any */
  fileRoots?: string[];
  /** the worker process's watchdog registrations (default: a watchdog of this runtime's own) */
  guard?: Guard;
  /** argv that starts the process launcher task containers are started from (default: the C launcher when built, else node runtime/process/launcher-bin.cjs: launcher-client.ts defaultLauncher); false: started from this process */
  launcher?: string[] | false;
}

const DEFAULT_GRACE_MS = 2000;

/** PodRuntime `local`: pods as process groups on this machine. */
export class LocalRuntime implements PodRuntime {
  readonly name = 'local';
  private readonly opts: LocalRuntimeOptions;
  private readonly imageMap: ImageMap;
  private readonly guard: Guard;
  private readonly ownGuard: boolean;
  private readonly dirOpts: PodDirOptions;
  private readonly launcher: Launcher | undefined;
  private ready: Promise<unknown> | undefined;
  /**
   * What a task's container inherits (inheritedEnv), read once: a read of process.env goes
   * through the C++ environment for each variable, 0.4-0.5 ms of the worker's thread a step
   * under load (3% of a real chain's profile; docs/performance.md). strata changes none of
   * the variables a step inherits while it runs (STRATA_* are not inherited).
   */
  private taskEnv: Record<string, string> | undefined;

  constructor(opts: LocalRuntimeOptions = {}) {
    this.opts = opts;
    // A map given in code takes its relative paths from the directory strata was started in (anchorMap).
    this.imageMap = opts.imageMap ? anchorMap(opts.imageMap) : loadImageMap(opts.env ?? process.env);
    this.guard = opts.guard ?? new Guard();
    this.ownGuard = !opts.guard;
    this.launcher = opts.launcher === false ? undefined : new Launcher(opts.launcher ?? defaultLauncher(opts.env ?? process.env));
    this.dirOpts = {
      namespace: homeNamespace(opts.home ?? (process.env.STRATA_HOME || '.strata')),
      ...(opts.shmDir ? { shmDir: opts.shmDir } : {}),
      ...(opts.tmpDir ? { tmpDir: opts.tmpDir } : {}),
    };
  }

  /** Run one pod to its end. */
  async run(req: PodRequest, onReport: (r: PodReport) => void, signal: AbortSignal): Promise<PodOutcome> {
    if (signal.aborted) return { ok: false, error: abortReason(signal) };
    // Its helper programs are started from dist/ as it is now: not if it was built again since this process started.
    const rebuilt = rebuiltSinceStart();
    if (rebuilt !== undefined) return { ok: false, error: `step ${req.step}: ${rebuilt}` };
    // Once per runtime: the watchdog is up before anything starts, and pods of dead workers are gone.
    await (this.ready ??= Promise.all([this.guard.start(), reapStalePods(this.dirOpts).catch(() => undefined)]));
    // The instance's namespace directories go when its last worker does (cleanly: close(); killed: the watchdog).
    for (const base of podDirBases(this.dirOpts)) this.guard.dirIfEmpty(base);
    const memory = req.kind === 'task' || req.pod?.channels.scratch === 'memory';
    await stopEarlierCopies(req.runId, req.step, memory, this.dirOpts);
    if (req.kind === 'task') {
      if (!req.task) return { ok: false, error: `step ${req.step}: a task pod needs its task` };
      return this.withDirs(req, true, (dirs) => runTask(req, dirs, onReport, signal, { imageMap: this.imageMap, baseEnv: (this.taskEnv ??= inheritedEnv(this.opts.env ?? process.env)), guard: this.guard, ...(this.launcher ? { launcher: this.launcher } : {}), ...this.grace() }));
    }
    if (!req.pod) return { ok: false, error: `step ${req.step}: a pod needs its micro plan` };
    return this.withDirs(req, memory, (dirs) => this.runPod(req, dirs, onReport, signal));
  }

  /** Stop every copy of `steps` (each at its attempt in `attempts`, when named) that workers of this instance run on this machine (a cancelled run's): one listing of the run's directories for all. */
  async stopCopies(runId: string, steps: readonly string[], attempts?: ReadonlyArray<number | undefined>): Promise<void> {
    await stopCopiesOf(runId, steps, this.dirOpts, attempts);
  }

  /** Stop; the instance's namespace directories are removed when no other worker of the instance uses them. */
  async close(): Promise<void> {
    await this.launcher?.close();
    await Promise.all(podDirBases(this.dirOpts).map((b) => rmdir(b).catch(() => undefined)));
    if (this.ownGuard) await this.guard.close();
  }

  /** The pod's directories for the length of `fn`, registered with the watchdog (`fn` sees its processes gone before it returns). */
  private async withDirs(req: PodRequest, memory: boolean, fn: (dirs: PodDirs) => Promise<PodOutcome>): Promise<PodOutcome> {
    const dirs = await makePodDirs(req.runId, req.step, memory, this.dirOpts, (root) => {
      // The mark waits for the directory's line, which goes out at once: one write.
      this.guard.mark(join(root, 'scratch'));
      this.guard.dir(root);
    }, req.attempt);
    try {
      return await fn(dirs);
    } catch (e) {
      await sweep('STRATA_SCRATCH', dirs.scratch);
      throw e;
    } finally {
      await removePodDirs(dirs);
      this.guard.unmark(dirs.scratch);
      this.guard.undir(dirs.root);
    }
  }

  private async runPod(req: PodRequest, dirs: PodDirs, onReport: (r: PodReport) => void, signal: AbortSignal): Promise<PodOutcome> {
    const stop = withTimeout(signal, req.timeoutMs);
    try {
      const plan: MicroPlan = {
        runId: req.runId, step: req.step, attempt: req.attempt, pod: req.pod!,
        artifactsDir: req.artifactsDir, outputsDir: req.outputsDir,
        scratchDir: dirs.scratch, ipcDir: dirs.ipc, workDir: dirs.work,
        env: Object.fromEntries(Object.entries(req.env).filter(([k]) => !k.startsWith('STRATA_'))),
        imageMap: this.imageMap, control: 'stdin', killGraceMs: this.grace().killGraceMs,
        ...(this.opts.fileRoots ? { fileRoots: this.opts.fileRoots } : {}),
        ...(req.limits ? { limits: req.limits } : {}),
      };
      const planPath = join(dirs.root, 'plan.json');
      await writeFile(planPath, JSON.stringify(plan), { mode: 0o600 }).catch((e: unknown) => {
        throw namingFile(e, planPath);
      });
      // The quarterback carries the pod's mark too, so stopping a copy of the pod reaches it.
      // Only what it reads: never the worker's Redis URL or the API's secrets (host-env.ts).
      const env = { ...quarterbackEnv(this.opts.env ?? process.env), STRATA_SCRATCH: dirs.scratch };
      const qbOpts = { killGraceMs: plan.killGraceMs!, env, guard: this.guard, ...(this.opts.quarterback ? { command: this.opts.quarterback } : {}) };
      // Whatever carries the pod's mark is made from here on: the sweep looks at those only.
      const since = pidMark();
      const end = await runQuarterbackProcess(planPath, qbOpts, onReport, stop.signal);
      // Not in the sessions of the other containers and pods this worker runs now (the quarterback and its containers are let go by now).
      await sweep('STRATA_SCRATCH', dirs.scratch, { since, skipSessions: this.guard.groupsNow() });
      if (stop.signal.aborted) return { ok: false, error: abortReason(stop.signal), ...(end.done?.exitCode !== undefined ? { exitCode: end.done.exitCode } : {}), ...(abortedByTimeout(stop.signal) ? { reason: 'timeout' as const } : {}) };
      if (!end.done) {
        const how = end.signal ? `was killed by ${end.signal}` : `exited with code ${end.code}`;
        return { ok: false, error: `the quarterback of pod ${req.step} ${how} before the pod finished${end.stderr ? `: ${end.stderr.trim().split('\n').pop()}` : ''}` };
      }
      const { ok, result, error, exitCode, reason, parameters, steps } = end.done;
      return { ok, ...(result !== undefined ? { result } : {}), ...(error !== undefined ? { error } : {}), ...(exitCode !== undefined ? { exitCode } : {}), ...(reason ? { reason } : {}), ...(parameters ? { parameters } : {}), ...(steps !== undefined ? { steps } : {}) };
    } finally {
      stop.clear();
    }
  }

  private grace() {
    return { killGraceMs: this.opts.killGraceMs ?? DEFAULT_GRACE_MS };
  }
}
