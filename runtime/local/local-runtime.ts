/**
 * PodRuntime `local`, the default: a pod is a process group on this machine.
 * - kind task: one container, a child process in its own group (run-task.ts).
 * - kind pod: the quarterback sidecar as a child in its own group, running the micro plan
 *   with the pod's scratch dir in RAM (/dev/shm) and an ipc dir; its reports are relayed
 *   to the worker as they arrive.
 * Aborting (cancel) or the pod's timeout kills everything the pod started; when run()
 * resolves nothing it started is running and its directories are gone.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { MicroPlan } from '../quarterback/micro-plan.ts';
import { loadImageMap, type ImageMap } from '../image-map.ts';
import type { PodOutcome, PodReport, PodRequest, PodRuntime } from '../pod-runtime.ts';
import { abortReason, withTimeout } from './abort-reason.ts';
import { makePodDirs, removePodDirs } from './pod-dirs.ts';
import { runQuarterbackProcess } from './quarterback-process.ts';
import { runTask } from './run-task.ts';
import { reapStalePods } from './stale-pods.ts';
import { sweep } from './sweep.ts';

export interface LocalRuntimeOptions {
  /** image name -> local command (default: built-ins, STRATA_HOME/images.json, STRATA_IMAGE_MAP) */
  imageMap?: ImageMap;
  /** RAM file system for pods' scratch (default /dev/shm; the tmp dir where it is missing) */
  shmDir?: string;
  /** where scratch goes without RAM (default the OS tmp dir) */
  tmpDir?: string;
  /** SIGTERM to SIGKILL grace when stopping a container (default 2000 ms) */
  killGraceMs?: number;
  /** argv that starts the quarterback (default: node sidecar/bin.cjs) */
  quarterback?: string[];
  /** environment containers inherit, STRATA_* left out (default process.env) */
  env?: Record<string, string | undefined>;
  /** STRATA_FILE_ROOTS, handed to the quarterback for file:// sources of micro cycles; absent: any */
  fileRoots?: string[];
}

const DEFAULT_GRACE_MS = 2000;

/** PodRuntime `local`: pods as process groups on this machine. */
export class LocalRuntime implements PodRuntime {
  readonly name = 'local';
  private readonly opts: LocalRuntimeOptions;
  private readonly imageMap: ImageMap;
  private reaped: Promise<unknown> | undefined;

  constructor(opts: LocalRuntimeOptions = {}) {
    this.opts = opts;
    this.imageMap = opts.imageMap ?? loadImageMap(opts.env ?? process.env);
  }

  /** Run one pod to its end. */
  async run(req: PodRequest, onReport: (r: PodReport) => void, signal: AbortSignal): Promise<PodOutcome> {
    if (signal.aborted) return { ok: false, error: abortReason(signal) };
    await (this.reaped ??= reapStalePods(this.dirOpts()).catch(() => undefined));
    if (req.kind === 'task') {
      return runTask(req, onReport, signal, { ...this.dirOpts(), imageMap: this.imageMap, hostEnv: this.opts.env ?? process.env, ...this.grace() });
    }
    if (!req.pod) return { ok: false, error: `step ${req.step}: a pod needs its micro plan` };
    const dirs = await makePodDirs(req.runId, req.step, req.pod.channels.scratch === 'memory', this.dirOpts());
    const stop = withTimeout(signal, req.timeoutMs);
    try {
      const plan: MicroPlan = {
        runId: req.runId, step: req.step, attempt: req.attempt, pod: req.pod,
        artifactsDir: req.artifactsDir, outputsDir: req.outputsDir,
        scratchDir: dirs.scratch, ipcDir: dirs.ipc, workDir: dirs.work,
        env: Object.fromEntries(Object.entries(req.env).filter(([k]) => !k.startsWith('STRATA_'))),
        imageMap: this.imageMap, control: 'stdin', killGraceMs: this.grace().killGraceMs,
        ...(this.opts.fileRoots ? { fileRoots: this.opts.fileRoots } : {}),
      };
      const planPath = join(dirs.root, 'plan.json');
      await writeFile(planPath, JSON.stringify(plan), { mode: 0o600 });
      const qbOpts = { killGraceMs: plan.killGraceMs!, ...(this.opts.quarterback ? { command: this.opts.quarterback } : {}), ...(this.opts.env ? { env: this.opts.env } : {}) };
      const end = await runQuarterbackProcess(planPath, qbOpts, onReport, stop.signal);
      await sweep('STRATA_SCRATCH', dirs.scratch);
      if (stop.signal.aborted) return { ok: false, error: abortReason(stop.signal), ...(end.done?.exitCode !== undefined ? { exitCode: end.done.exitCode } : {}) };
      if (!end.done) {
        const how = end.signal ? `was killed by ${end.signal}` : `exited with code ${end.code}`;
        return { ok: false, error: `the quarterback of pod ${req.step} ${how} before the pod finished${end.stderr ? `: ${end.stderr.trim().split('\n').pop()}` : ''}` };
      }
      const { ok, result, error, exitCode } = end.done;
      return { ok, ...(result !== undefined ? { result } : {}), ...(error !== undefined ? { error } : {}), ...(exitCode !== undefined ? { exitCode } : {}) };
    } finally {
      stop.clear();
      await removePodDirs(dirs);
    }
  }

  private dirOpts() {
    return { ...(this.opts.shmDir ? { shmDir: this.opts.shmDir } : {}), ...(this.opts.tmpDir ? { tmpDir: this.opts.tmpDir } : {}) };
  }

  private grace() {
    return { killGraceMs: this.opts.killGraceMs ?? DEFAULT_GRACE_MS };
  }
}
