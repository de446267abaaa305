/**
 * The gate driver: the quarterback's ContainerDriver inside a Kubernetes pod. Step
 * containers are declared up front as slots (runtime/kubernetes/slot-layout.ts), each
 * running entrypoint.sh; starting a step writes its run script into a free slot of its
 * pool, killing it writes a cancel file, and its exit file tells the driver at once
 * (inotify through fs.watch, with a slow rescan as a safety net). When a slot must run
 * a different image, the driver asks the ImageSwitcher to update the container in place
 * and waits for the new entrypoint to count its boot before releasing the step.
 * A slot's paths of its own are emptied (and a step's inputs at paths put there) by the
 * run script, as the step's user; the exit says where this process sees them, and the
 * slot stays taken until the quarterback has read them. Protocol: gate-protocol.ts and README.md.
 */
import { existsSync, mkdirSync, readdirSync, watch, writeFileSync, type FSWatcher } from 'node:fs';
import { readFile, rename, writeFile } from 'node:fs/promises';
import { constants } from 'node:os';
import { join } from 'node:path';
import type { ContainerDriver, ContainerExit, ContainerSpec } from '../../runtime/process/container-driver.ts';
import { poolFor, relativeStep, type SlotLayout, type SlotPool } from '../../runtime/kubernetes/slot-layout.ts';
import { needsPrivateView } from '../../runtime/local/private-view.ts';
import { namingFile } from '../../runtime/no-follow-writes.ts';
import { containerArgv, lookupImage, type ImageMap } from '../../runtime/image-map.ts';
import { ownCovered, slotPathOf, stdoutFileOf } from './slot-files.ts';
import { GATE_FILES, parseExit, runScript, slotDir, type GateOutcome } from './gate-protocol.ts';
import { timedOutError } from '../../src/engine/timeout-error.ts';

/** Changes a slot container's image in place (a patch of the pod; the kubelet restarts that container). */
export interface ImageSwitcher {
  setImage(container: string, image: string): Promise<void>;
}

export interface FileGateOptions {
  /** the gate directory, shared with every slot container */
  gate: string;
  layout: SlotLayout;
  /** the pod's step id: micro step ids are relative to it */
  podStep: string;
  switcher?: ImageSwitcher;
  /** how often to look for exit files that fs.watch missed (default 500 ms) */
  rescanMs?: number;
  /** the command an image runs when a task names none (the image's ENTRYPOINT is not visible from here) */
  imageMap?: ImageMap;
  /** where this process sees the slots' paths of their own (`<ownDir>/<slot>/<k>`, slot-layout.ts) */
  ownDir?: string;
}

interface Job {
  spec: ContainerSpec;
  onExit: (e: ContainerExit) => void | Promise<void>;
  n?: number;
  cancelled?: boolean;
  timedOut?: boolean;
  timer?: NodeJS.Timeout;
}

interface SlotState {
  name: string;
  dir: string;
  image: string;
  seq: number;
  job?: Job;
  /** its last step's paths of its own are being read: not free yet */
  held?: boolean;
  bootWaiter?: { above: number; resolve: () => void };
}

interface PoolState {
  pool: SlotPool;
  slots: SlotState[];
  queue: Job[];
}

const SIGNAL_NAMES = new Map(Object.entries(constants.signals).map(([name, n]) => [n, name]));

export class FileGateDriver implements ContainerDriver {
  private readonly opts: FileGateOptions;
  private readonly pools: PoolState[];
  private readonly watchers: FSWatcher[] = [];
  private readonly rescan: NodeJS.Timeout;

  constructor(opts: FileGateOptions) {
    this.opts = opts;
    this.pools = opts.layout.pools.map((pool) => ({ pool, queue: [], slots: pool.slots.map((s) => this.openSlot(s.name, s.image)) }));
    this.rescan = setInterval(() => this.scanAll(), opts.rescanMs ?? 500);
    this.rescan.unref();
  }

  /** A container's output goes to its own log in the pod, not through the gate. */
  readonly seesOutput = false;
  /** Its standard output is kept by the stdout wrapper in the run script, when asked. */
  readonly keepsStdout = true;
  /** A slot's paths of its own are mounts planned with the slots, emptied and filled by the run script. */
  readonly ownPaths = true;

  start(spec: ContainerSpec, onExit: (e: ContainerExit) => void | Promise<void>): void {
    const job: Job = { spec, onExit };
    const rel = relativeStep(this.opts.podStep, spec.step);
    const found = rel === undefined ? undefined : poolFor(this.opts.layout, rel);
    if (!found) return this.fail(job, `no container of this pod is declared for step ${spec.step}`);
    if (!argvOf(spec, this.opts.imageMap)) {
      return this.fail(job, `step ${spec.step} has no command: in a Kubernetes pod the gate entrypoint replaces the image's own, so a micro task must name its command (or its image must be in the image map)`);
    }
    if (needsPrivateView(spec.task) && !ownCovered(found.pool, spec.task)) {
      return this.fail(job, `step ${spec.step} declares paths of its own that the pod's container for it does not mount`);
    }
    if (found.pool.own && !this.opts.ownDir) return this.fail(job, `step ${spec.step} has paths of its own, and this quarterback was given no directory where it sees them`);
    const pool = this.pools.find((p) => p.pool === found.pool)!;
    pool.queue.push(job);
    this.pump(pool);
  }

  kill(step: string): void {
    for (const pool of this.pools) {
      const queued = pool.queue.findIndex((j) => j.spec.step === step);
      if (queued >= 0) {
        const [job] = pool.queue.splice(queued, 1);
        return this.fail(job, 'cancelled before it started');
      }
      for (const slot of pool.slots) {
        if (slot.job?.spec.step !== step) continue;
        slot.job.cancelled = true;
        if (slot.job.n !== undefined) this.cancelFile(slot, slot.job.n);
        return;
      }
    }
  }

  /** End the pod: every idle entrypoint exits, its container with it. */
  async stop(outcome: GateOutcome): Promise<void> {
    await atomicWrite(this.opts.gate, GATE_FILES.stop, `${outcome}\n`);
  }

  /** Stop watching the gate (the quarterback is ending). */
  close(): void {
    clearInterval(this.rescan);
    for (const w of this.watchers) w.close();
    for (const pool of this.pools) for (const s of pool.slots) if (s.job?.timer) clearTimeout(s.job.timer);
  }

  private openSlot(name: string, image: string): SlotState {
    const dir = slotDir(this.opts.gate, name);
    mkdirSync(dir, { recursive: true, mode: 0o777 });
    const slot: SlotState = { name, dir, image, seq: 0 };
    // A quarterback that restarts carries on numbering, and withdraws what it had released.
    for (const f of readdirSync(dir)) {
      const m = /^([0-9]+)\.run$/.exec(f);
      if (!m) continue;
      const n = Number(m[1]);
      slot.seq = Math.max(slot.seq, n);
      if (!existsSync(join(dir, GATE_FILES.exit(n)))) writeFileSync(join(dir, GATE_FILES.cancel(n)), '');
    }
    const w = watch(dir, (_event, file) => {
      if (file === GATE_FILES.boot) void this.checkBoot(slot);
      else if (slot.job?.n !== undefined && file === GATE_FILES.exit(slot.job.n)) void this.checkExit(slot);
    });
    w.on('error', () => undefined);
    this.watchers.push(w);
    return slot;
  }

  private pump(pool: PoolState): void {
    while (pool.queue.length > 0) {
      const job = pool.queue[0];
      const free = pool.slots.filter((s) => !s.job && !s.held);
      const slot = free.find((s) => s.image === job.spec.task.image) ?? free[0];
      if (!slot) return;
      pool.queue.shift();
      slot.job = job;
      void this.assign(pool, slot, job);
    }
  }

  private async assign(pool: PoolState, slot: SlotState, job: Job): Promise<void> {
    const { spec } = job;
    try {
      if (slot.image !== spec.task.image) await this.switchImage(slot, spec.task.image);
      if (job.cancelled) return this.release(pool, slot, { step: spec.step, attempt: spec.attempt, exitCode: null, error: 'cancelled before it started' });
      const n = ++slot.seq;
      const argv = argvOf(spec, this.opts.imageMap)!;
      const own = pool.pool.own ?? [];
      const inputs = (spec.task.inputPaths ?? []).map((i) => ({ name: i.name, from: join(spec.env.STRATA_INPUTS ?? '', i.name), to: i.path, ...(i.optional ? { optional: true as const } : {}) }));
      await atomicWrite(slot.dir, GATE_FILES.run(n), runScript({
        step: spec.step, attempt: spec.attempt, argv, env: stepEnv(spec),
        ...(spec.task.workingDir ? { workingDir: spec.task.workingDir } : {}),
        ...(own.length > 0 ? { clear: own } : {}),
        ...(inputs.length > 0 ? { inputs } : {}),
        ...(spec.task.result ? { stdoutFile: stdoutFileOf(spec) } : {}),
      }));
      job.n = n;
      if (spec.timeoutMs !== undefined) {
        job.timer = setTimeout(() => {
          job.timedOut = true;
          this.cancelFile(slot, n);
        }, spec.timeoutMs);
      }
      if (job.cancelled) this.cancelFile(slot, n);
      await this.checkExit(slot);
    } catch (e) {
      this.release(pool, slot, { step: spec.step, attempt: spec.attempt, exitCode: null, error: `could not start in container ${slot.name}: ${(e as Error).message}` });
    }
  }

  private async switchImage(slot: SlotState, image: string): Promise<void> {
    if (!this.opts.switcher) throw new Error(`it runs image ${slot.image}, the step needs ${image}, and no image switcher is configured`);
    const before = await readBoot(slot.dir);
    const booted = new Promise<void>((resolve) => (slot.bootWaiter = { above: before, resolve }));
    await this.opts.switcher.setImage(slot.name, image);
    await this.checkBoot(slot);
    await booted;
    slot.image = image;
  }

  private async checkBoot(slot: SlotState): Promise<void> {
    const w = slot.bootWaiter;
    if (!w) return;
    if ((await readBoot(slot.dir)) > w.above && slot.bootWaiter === w) {
      slot.bootWaiter = undefined;
      w.resolve();
    }
  }

  private async checkExit(slot: SlotState): Promise<void> {
    const job = slot.job;
    if (!job || job.n === undefined) return;
    let text: string;
    try {
      text = await readFile(join(slot.dir, GATE_FILES.exit(job.n)), 'utf8');
    } catch {
      return; // not there yet
    }
    const exit = parseExit(text);
    if (!exit || slot.job !== job) return;
    if (job.timer) clearTimeout(job.timer);
    const seconds = job.spec.timeoutMs !== undefined ? job.spec.timeoutMs / 1000 : 0;
    const error = job.timedOut ? timedOutError(seconds) : exit.note === 'cancelled' ? 'cancelled' : exit.note === 'interrupted' ? `container ${slot.name} restarted while the step ran` : undefined;
    const signal = exit.code > 128 && (job.timedOut || exit.note === 'cancelled') ? SIGNAL_NAMES.get(exit.code - 128) : undefined;
    const pool = this.pools.find((p) => p.slots.includes(slot))!;
    const own = pool.pool.own;
    const files = {
      ...(own && this.opts.ownDir ? { view: { hostPathOf: slotPathOf(this.opts.ownDir, slot.name, own) } } : {}),
      ...(job.spec.task.result ? { stdoutFile: stdoutFileOf(job.spec) } : {}),
    };
    this.release(pool, slot, { step: job.spec.step, attempt: job.spec.attempt, exitCode: exit.code, ...(signal ? { signal } : {}), ...(error ? { error } : {}), ...(job.timedOut ? { reason: 'timeout' as const } : {}), ...files });
  }

  private release(pool: PoolState, slot: SlotState, exit: ContainerExit): void {
    const job = slot.job!;
    slot.job = undefined;
    const reading = job.onExit(exit);
    if (!reading) return this.pump(pool);
    // The slot's next step would empty its paths of its own: not before this one's are read.
    slot.held = true;
    void reading.catch(() => undefined).then(() => {
      slot.held = false;
      this.pump(pool);
    });
  }

  private fail(job: Job, error: string): void {
    queueMicrotask(() => job.onExit({ step: job.spec.step, attempt: job.spec.attempt, exitCode: null, error }));
  }

  private cancelFile(slot: SlotState, n: number): void {
    void atomicWrite(slot.dir, GATE_FILES.cancel(n), '').catch(() => undefined);
  }

  private scanAll(): void {
    for (const pool of this.pools) {
      for (const slot of pool.slots) {
        void this.checkBoot(slot);
        void this.checkExit(slot);
      }
    }
  }
}

/** The program and arguments of a step: its command and args, else by its image's entry in the image map (containerArgv). */
export function argvOf(spec: ContainerSpec, imageMap: ImageMap = {}): string[] | undefined {
  const { command, args, image } = spec.task;
  return containerArgv(command, args, command?.length ? undefined : lookupImage(image, imageMap));
}

/** Variables that belong to the step's image or to the kubelet, never carried over from the quarterback. */
const IMAGE_OWNED = /^(PATH|HOME|HOSTNAME|PWD|OLDPWD|SHLVL|TERM|USER|_|NODE_.*|NPM_.*|YARN_.*|KUBERNETES_.*)$/;

/** The environment exported to a step: the container's env of DESIGN.md section 4, without what its image owns. */
export function stepEnv(spec: ContainerSpec): Record<string, string> {
  const own = spec.task.env ?? {};
  return Object.fromEntries(Object.entries(spec.env).filter(([k]) => k in own || !IMAGE_OWNED.test(k)));
}

async function readBoot(dir: string): Promise<number> {
  try {
    const n = Number((await readFile(join(dir, GATE_FILES.boot), 'utf8')).trim());
    return Number.isFinite(n) ? n : 0;
  } catch {
    return 0;
  }
}

async function atomicWrite(dir: string, name: string, text: string): Promise<void> {
  const tmp = join(dir, `.${name}.tmp`);
  await writeFile(tmp, text, { mode: 0o644 }).catch((e: unknown) => {
    throw namingFile(e, tmp);
  });
  await rename(tmp, join(dir, name));
}
