/**
 * The quarterback: runs one pod's micro plan with the pattern engine, carrying out its
 * commands through a ContainerDriver. It prepares each container (directories, input
 * files, a loopback port, the environment of DESIGN.md section 4), feeds exits back as
 * `finished` events the moment the driver reports them, and sends every status change and
 * log line through `send` (the protocol of protocol.ts). One instance runs one pod.
 */
import { copyArtifactsOut, needsPrivateView, onceInRun, OWN_TMP, type PrivateView } from '../runtime/local/private-view.ts';
import { StdoutCapture } from '../runtime/stdout-result.ts';
import { adoptExit, containerResult, failedContainer, GENERATE_UNSUPPORTED, privateView, privateViewNow, unsupported, type Live } from './live-container.ts';
import { placeInputs } from '../src/engine/input-placeholder.ts';
import { podName } from '../runtime/kubernetes/names.ts';
import { mkdirSync } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { RunEngine } from '../src/engine/engine.ts';
import { podScope } from '../src/engine/pod-scope.ts';
import type { Command, DoneCommand, EngineEvent, StartCommand, StatusCommand, TimerCommand, WindowCommand } from '../src/engine/types.ts';
import { timerEvent, timerKey } from '../src/engine/timer-names.ts';
import type { JsonValue } from '../src/flow/types.ts';
import type { FailureReason } from '../src/engine/timeout-error.ts';
import { isLeaf, joinId, POD_EXIT_CODE } from '../src/plan/plan-node.ts';
import { upgradePlan } from '../src/plan/plan-version.ts';
import type { ContainerDriver, ContainerExit } from '../runtime/process/container-driver.ts';
import { containerEnv } from './container-env.ts';
import { expandContainerFields } from '../src/flow/kube-expansion.ts';
import { fileScopeValues } from '../runtime/env-files.ts';
import { appendTail, exitError } from '../runtime/process/exit-error.ts';
import { makeFifos } from './ipc-channels.ts';
import type { MicroPlan } from '../runtime/quarterback/micro-plan.ts';
import { PortBook, staticContainers } from '../runtime/process/port-book.ts';
import { now, PROTOCOL_VERSION, stepMessage, type DoneMessage, type QuarterbackMessage } from '../runtime/quarterback/protocol.ts';
import { copyInputs, copyOutputs, makeStepDirs, writeData, type StepDirs } from '../runtime/step-files.ts';
import { PodOutputs } from './pod-outputs.ts';
import { Timers } from './timers.ts';
import { WindowReader } from './window-reader.ts';

export interface QuarterbackOptions {
  plan: MicroPlan;
  driver: ContainerDriver & { drain?(): Promise<void> };
  send: (m: QuarterbackMessage) => void;
  /** environment containers inherit before plan.env and their task's env (default process.env) */
  hostEnv?: Record<string, string | undefined>;
  windows?: WindowReader;
}

/** Runs one pod's micro plan: `run()` to the end, `cancel()` to stop it. */
export class Quarterback {
  private readonly plan: MicroPlan;
  /** the name of this pod: its containers' host name and HOSTNAME */
  private readonly name: string;
  private readonly driver: QuarterbackOptions['driver'];
  private readonly send: QuarterbackOptions['send'];
  private readonly hostEnv: Record<string, string | undefined>;
  private readonly windows: WindowReader;
  private readonly engine: RunEngine;
  private readonly ports: PortBook;
  private readonly live = new Map<string, Live>();
  private readonly outputs: PodOutputs;
  private readonly lastExit = new Map<string, number | null>();
  /** composites' deadlines and leaves' back-offs armed (the engine has no clock): their events come back when the time is up */
  private readonly timers = new Timers();
  /** the exit of the first container whose step failed: the pod's `done` carries it (a pod failed by a timeout failed, not errored) */
  private failedExit: { exitCode: number | null; reason?: FailureReason } | undefined;
  private failure: string | undefined;
  private cancelReason: string | undefined;
  /** the first stop was from outside the run (cancel's `outside`) */
  private stoppedOutside = false;
  private doneCmd: DoneCommand | undefined;
  private finishing = false;
  private settle!: (m: DoneMessage) => void;
  private readonly finished = new Promise<DoneMessage>((r) => (this.settle = r));

  constructor(opts: QuarterbackOptions) {
    this.plan = opts.plan;
    this.name = podName(opts.plan.runId, opts.plan.step, opts.plan.attempt);
    this.driver = opts.driver;
    this.send = opts.send;
    this.hostEnv = { ...(opts.hostEnv ?? process.env), ...opts.plan.env };
    this.windows = opts.windows ?? new WindowReader(process.cwd(), opts.plan.fileRoots);
    const pod = opts.plan.pod;
    const limits = opts.plan.limits;
    // The run's limits hold inside the pod too (the fan-outs and results of its containers).
    // A job queued by a version before plan version 2 carries its pod's body as then (docs/runs.md, legacy readers).
    this.engine = new RunEngine(upgradePlan(pod.body), {
      params: pod.params, prefix: opts.plan.step, scope: podScope(pod),
      ...(limits ? { maxSteps: limits.maxSteps, maxFanOutItems: limits.maxFanOutItems, maxCompositeResultBytes: limits.maxCompositeResultBytes } : {}),
      // The run's steps made when it started the pod: the limit holds for the run, not per pod (log version 6).
      ...(pod.stepsBefore !== undefined ? { stepsBefore: pod.stepsBefore } : {}),
      // Log version 8: past these, its steps wait while it asks the run for more (ask, grant).
      ...(pod.allowed !== undefined ? { allowed: pod.allowed } : {}),
      // Resumed after a retry of the run: its inner steps that succeeded finish at once (pod-outputs.ts resume).
      ...(pod.kept ? { kept: pod.kept } : {}),
    });
    this.ports = new PortBook(opts.plan.step);
    this.outputs = new PodOutputs(opts.plan);
  }

  /** Run the pod to its end; the outcome is also sent as the last message. */
  async run(): Promise<DoneMessage> {
    this.send({ type: 'hello', v: PROTOCOL_VERSION, pid: process.pid });
    try {
      await this.setUp();
    } catch (e) {
      return this.end({ type: 'done', ok: false, status: 'failed', error: `pod ${this.plan.step} could not be set up: ${(e as Error).message}` });
    }
    if (this.cancelReason !== undefined) return this.end({ type: 'done', ok: false, status: 'cancelled', error: this.cancelReason });
    this.handle(this.engine.start(now()));
    return this.finished;
  }

  /** The run's answer to this pod's ask for `asked` micro steps: `steps` granted in all (log version 8). */
  grant(asked: number, steps: number): void {
    if (this.engine.status === 'running') this.apply({ type: 'grant', asked, steps });
  }

  /**
   * Stop the pod: running containers are killed and reported cancelled. `outside`: the stop
   * is not the run's word (a signal, the worker gone): the steps it ends are reported
   * `stopped`, for the worker to record as the run decided (StepReport.stopped).
   */
  cancel(reason = 'cancelled', o: { outside?: boolean } = {}): void {
    if (this.cancelReason === undefined && o.outside) this.stoppedOutside = true;
    this.cancelReason ??= reason;
    if (this.engine.status === 'running') this.apply({ type: 'cancel', reason });
  }

  private async setUp(): Promise<void> {
    const { scratchDir, ipcDir, workDir } = this.plan;
    await Promise.all([scratchDir, ipcDir, workDir].map((d) => mkdir(d, { recursive: true })));
    await makeFifos(ipcDir, this.plan.pod.channels.ipc);
    await this.ports.reserve(staticContainers(this.plan.pod.body, this.plan.step));
    if (this.plan.pod.kept) await this.outputs.resume(this.plan.pod.kept);
  }

  /** Events carry the time they happened: the engine reads no clock (exit.duration, retry maxDuration). */
  private apply(events: EngineEvent | EngineEvent[]): void {
    const at = now();
    this.handle(this.engine.apply((Array.isArray(events) ? events : [events]).map((e) => ({ ...e, at: e.at ?? at }))));
  }

  private handle(commands: Command[]): void {
    for (const c of commands) {
      switch (c.type) {
        case 'status': this.report(c); break;
        case 'supersede': this.send({ type: 'step', step: c.step, status: 'running', supersede: true, at: now() }); break;
        case 'start': this.launch(c); break;
        case 'window': void this.window(c); break;
        case 'generate': this.apply({ type: 'expandFailed', step: c.step, error: GENERATE_UNSUPPORTED }); break;
        case 'kill': this.kill(c.step, c.attempt); break;
        // Each arming its own timer, as the coordinator keeps them (timer-names.ts).
        case 'deadline': this.arm(c); break;
        case 'backoff':
          this.send({ type: 'log', step: c.step, stream: 'stderr', chunk: `strata: attempt ${c.attempt} in ${c.seconds} s (retry back-off)\n` });
          this.arm(c);
          break;
        case 'done': this.doneCmd = c; this.timers.clear(); this.maybeFinish(); break;
        case 'ask': this.send({ type: 'ask', steps: c.steps }); break;
      }
    }
  }

  private report(c: StatusCommand): void {
    const outputs = this.outputs.reported(c);
    const exitCode = this.lastExit.get(c.step);
    // A composite past its deadline has no exit of its own: its reason says how it failed.
    if (c.status === 'failed' && (exitCode !== undefined || c.reason)) this.failedExit ??= { exitCode: exitCode ?? null, ...(c.reason ? { reason: c.reason } : {}) };
    const m = stepMessage(c, exitCode, outputs);
    if (this.stoppedOutside && c.status !== 'running' && c.status !== 'succeeded') m.stopped = true;
    this.send(m);
  }

  /**
   * Prepare and start a container. Without input files to copy and with its port known,
   * all of it happens in this tick, so a container starts the moment the engine says so.
   */
  private launch(cmd: StartCommand): void {
    const { step, attempt } = cmd;
    if (cmd.kind === 'generate') {
      // Not run at all: the engine then asks to expand it, and that is refused (see handle).
      return void setImmediate(() => this.apply({ type: 'finished', step, attempt, ok: true, result: null }));
    }
    const entry: Live = { attempt, killed: false, stderrTail: '', ...(cmd.task?.result ? { stdout: new StdoutCapture(cmd.task.result) } : {}) };
    this.live.set(step, entry);
    try {
      if (!cmd.task) throw new Error(`a ${cmd.kind} cannot run inside a pod`);
      const why = unsupported(cmd.task, this.driver);
      if (why) throw new Error(why);
      const dirs = makeStepDirs(this.plan.workDir, step, attempt);
      writeData(dirs.inputs, cmd.data);
      const port = this.ports.known(step);
      if (port !== undefined && Object.keys(cmd.inputs).length === 0) {
        if (!this.viewed(cmd.task)) return this.spawn(cmd, entry, dirs, port, ownDirOf(dirs));
        // A /tmp of its own made in this tick too, once bubblewrap is known to run here.
        const ownDir = ownDirOf(dirs);
        const view = privateViewNow(cmd.task, dirs, this.plan.scratchDir, this.plan.ipcDir, ownDir, this.name);
        if (view) {
          entry.view = view;
          this.viewNotes(cmd.step, view);
          return this.spawn(cmd, entry, dirs, port, ownDir);
        }
      }
      void this.launchWhenReady(cmd, entry, dirs);
    } catch (e) {
      this.gone(step, { type: 'finished', step, attempt, ok: false, error: (e as Error).message });
    }
  }

  /**
   * Prepare a container that waits for something (its port, input files to copy, a private
   * view) and start it. Nothing here blocks the event loop: its own directory is made
   * asynchronously, beside the other waits.
   */
  private async launchWhenReady(cmd: StartCommand, entry: Live, dirs: StepDirs): Promise<void> {
    try {
      const ownDir = ownDirPath(dirs);
      const [port] = await Promise.all([this.ports.portFor(cmd.step), copyInputs(dirs.inputs, cmd.inputs, (ref) => this.outputs.locate(ref)), mkdir(ownDir, { recursive: true })]);
      if (this.viewed(cmd.task!)) {
        // A /tmp of its own and its declared paths: a mount namespace, or a sentence saying why there is none.
        const { view, error, note } = await privateView(cmd.task!, dirs, this.plan.scratchDir, this.plan.ipcDir, ownDir, this.name);
        // The host's /tmp is said once in the pod (onceInRun); a refusal in each container's log.
        for (const line of error ? [error] : onceInRun(this.plan.runId, note ? [note] : [])) this.send({ type: 'log', step: cmd.step, stream: 'stderr', chunk: `strata: ${line}\n` });
        if (error) return this.gone(cmd.step, { type: 'finished', step: cmd.step, attempt: cmd.attempt, ok: false, error });
        if (view) entry.view = view;
        if (view) this.viewNotes(cmd.step, view);
      }
      if (entry.killed) return this.gone(cmd.step);
      this.spawn(cmd, entry, dirs, port, ownDir);
    } catch (e) {
      this.gone(cmd.step, { type: 'finished', step: cmd.step, attempt: cmd.attempt, ok: false, error: (e as Error).message });
    }
  }

  /** The lines a private view has for the container's log (private-view.ts rootArgs), and those said once in the pod (onceInRun). */
  private viewNotes(step: string, view: PrivateView): void {
    for (const note of [...(view.notes ?? []), ...onceInRun(this.plan.runId, view.runNotes)]) this.send({ type: 'log', step, stream: 'stderr', chunk: `strata: ${note}\n` });
  }

  /**
   * Whether a container runs in a private view: on the local runtime every one does (a /tmp
   * of its own); where the driver does not run processes here (Kubernetes), the image gives
   * the container its /tmp, and declared paths are refused (live-container.ts).
   */
  private viewed(task: NonNullable<StartCommand['task']>): boolean {
    // A driver that gives paths of one's own itself (a Kubernetes pod's slots) needs no view made here.
    if (this.driver.ownPaths) return false;
    return this.driver.seesOutput !== false || needsPrivateView(task);
  }

  /** Start a prepared container in `ownDir`, its own working directory, made already. */
  private spawn(cmd: StartCommand, entry: Live, dirs: StepDirs, port: number, ownDir: string): void {
    const { step, attempt } = cmd;
    // `{{ inputs.NAME }}` is the path of the input in this container's inputs dir.
    // `{{ run.pod }}` of a container: the name of the pod it runs in.
    const pod = this.name;
    const placed = placeInputs(cmd.task!, (name) => join(dirs.inputs, name), { id: this.plan.runId, step, pod });
    entry.dirs = dirs;
    // Env values expanded from the entries before them (Kubernetes' `$(VAR)`, kube-expansion.ts); command and args below, from the whole environment.
    const ownEnv = placed.env ? expandContainerFields({ env: placed.env }).env : undefined;
    const env = containerEnv({
      base: this.hostEnv, hostname: pod, task: ownEnv, runId: this.plan.runId, step, attempt,
      inputsDir: dirs.inputs, outputsDir: dirs.outputs, scratchDir: this.plan.scratchDir, ipcDir: this.plan.ipcDir,
      port, peers: this.ports.peersOf(step), params: cmd.env.params, item: cmd.env.item, items: cmd.env.items, round: cmd.env.round, exit: cmd.env.exit,
    });
    // Command and args from the whole environment (the task's env, STRATA_* over it), looked up only when they
    // reference it: in a pod the environment holds a peer for every other container (250 variables in a pod of 200),
    // and copying it for each container was a fifth of the quarterback's work between two containers (docs/performance.md).
    const refers = [...(placed.command ?? []), ...(placed.args ?? [])].some((a) => a.includes('$'));
    const strataEnv = refers ? Object.fromEntries(Object.entries(env).filter(([k]) => k.startsWith('STRATA_'))) : {};
    const task = { ...placed, ...(ownEnv ? { env: ownEnv } : {}), ...(refers ? expandContainerFields({ ...(placed.command ? { command: placed.command } : {}), ...(placed.args ? { args: placed.args } : {}) }, { ...ownEnv, ...strataEnv }) : {}) };
    // A /tmp of its own is where temporary files go, not the host's TMPDIR (unless the task names one).
    if (entry.view && task.env?.TMPDIR === undefined) env.TMPDIR = OWN_TMP;
    // Large params (or items) in files: an environment variable past 128 KiB cannot start the container (E2BIG).
    fileScopeValues(env, dirs.inputs, true); // made with the container's directories (makeStepDirs)
    const spec = { step, attempt, task, env, ownDir, ...(cmd.timeout !== undefined ? { timeoutMs: cmd.timeout * 1000 } : {}), ...(entry.view ? { sandbox: entry.view.args, sandboxPath: entry.view.hostPathOf } : {}) };
    this.driver.start(spec, (e) => this.exited(cmd, entry, e), (stream, chunk) => this.log(step, entry, stream, chunk));
  }

  /**
   * A container exited: read its result and tell the engine at once (after copying its
   * declared outputs, if any). The promise, when there is one, resolves once the
   * container's paths of its own are read (a driver that gives them holds them until then).
   */
  private exited(cmd: StartCommand, entry: Live, e: ContainerExit): void | Promise<void> {
    // Standard output as the result: read to its end first (the exit comes before the last chunks).
    if (entry.stdout && e.logsEnded) {
      const ended = e.logsEnded;
      delete e.logsEnded;
      return ended.then(() => this.exited(cmd, entry, e));
    }
    const { step, attempt } = cmd;
    // The exit code tells a program's failure from one it did not cause (continueOn, retry on, depends .Failed/.Errored).
    const fail = (error: string) => this.gone(step, { type: 'finished', step, attempt, ok: false, error, ...(e.exitCode !== null && e.exitCode !== undefined ? { exitCode: e.exitCode } : {}), ...(e.reason ? { reason: e.reason } : {}), ...(e.transient ? { transient: true } : {}) });
    this.lastExit.set(step, e.exitCode);
    if (e.exitCode !== 0 || e.error) {
      const error = exitError(e, entry.stderrTail);
      // A program that ran to its end and failed: what it left is its step's outputs still (a failed step's outputs).
      if (typeof e.exitCode !== 'number' || entry.killed) return fail(error);
      return this.failedOutputs(cmd, entry, e).then((left) => this.gone(step, { type: 'finished', step, attempt, ok: false, error, exitCode: e.exitCode!, ...(e.reason ? { reason: e.reason } : {}), ...left }), () => fail(error));
    }
    // The driver's (a pod's slot): where its paths of its own are, and the file its standard output was kept in (read once).
    const lost = adoptExit(entry, e, cmd.task?.result);
    delete e.stdoutFile;
    if (lost) return fail(lost);
    const outputsDir = entry.dirs!.outputs;
    // Artifacts at paths of the view are collected into STRATA_OUTPUTS first, as any output. A task that
    // declares none goes on in this tick: its exit, the next container's start and their reports leave in one write.
    if (entry.view && !entry.collected && cmd.task?.artifactPaths?.length) {
      entry.collected = true;
      return copyArtifactsOut(entry.view, cmd.task!, outputsDir).then(() => this.exited(cmd, entry, e), (err: Error) => fail(err.message));
    }
    let read: ReturnType<typeof containerResult>;
    try {
      read = containerResult(entry, cmd.task, outputsDir, this.plan.limits?.maxResultBytes);
    } catch (err) {
      return fail((err as Error).message);
    }
    const { result, parameters } = read;
    if (read.note) this.send({ type: 'log', step, stream: 'stderr', chunk: read.note });
    const succeed = (declared: Record<string, string>) => {
      this.outputs.kept(step, outputsDir, declared);
      this.gone(step, { type: 'finished', step, attempt, ok: true, result, ...(parameters ? { parameters } : {}) });
    };
    const declared = cmd.outputs ?? [];
    if (declared.length === 0) return succeed({});
    // An earlier failed attempt's copies go: the step's outputs are its last attempt's.
    if (attempt > 1) return void rm(this.outputs.keptDir(step), { recursive: true, force: true }).then(() => copyOutputs(outputsDir, declared, this.outputs.keptDir(step), cmd.task?.optionalOutputs)).then(succeed, (err: Error) => fail(err.message));
    copyOutputs(outputsDir, declared, this.outputs.keptDir(step), cmd.task?.optionalOutputs).then(succeed, (err: Error) => fail(err.message));
  }

  /** What a failed container left: its result, parameters and declared outputs (those it wrote), kept as a success's are. */
  private async failedOutputs(cmd: StartCommand, entry: Live, e: ContainerExit): Promise<{ result?: JsonValue; parameters?: Record<string, JsonValue> }> {
    const outputsDir = entry.dirs!.outputs;
    const left = await failedContainer(entry, e, cmd.task, outputsDir, this.plan.limits?.maxResultBytes);
    const declared = cmd.outputs ?? [];
    try {
      // An earlier attempt's copies go: the step's outputs are its last attempt's.
      if (cmd.attempt > 1) await rm(this.outputs.keptDir(cmd.step), { recursive: true, force: true });
      this.outputs.kept(cmd.step, outputsDir, await copyOutputs(outputsDir, declared, this.outputs.keptDir(cmd.step), declared));
    } catch (err) {
      left.notes.push(`outputs not kept: ${(err as Error).message}`);
    }
    for (const note of left.notes) this.send({ type: 'log', step: cmd.step, stream: 'stderr', chunk: `strata: ${note}\n` });
    return { ...(left.result !== undefined ? { result: left.result } : {}), ...(left.parameters ? { parameters: left.parameters } : {}) };
  }

  /** A container is no longer live: forget it, then let the engine know (which may retry it). */
  private gone(step: string, event?: EngineEvent): void {
    this.live.delete(step);
    if (event) this.apply(event);
    this.maybeFinish();
  }

  private log(step: string, entry: Live, stream: 'stdout' | 'stderr', chunk: string): void {
    if (stream === 'stderr') entry.stderrTail = appendTail(entry.stderrTail, chunk);
    else entry.stdout?.add(chunk);
    this.send({ type: 'log', step, stream, chunk });
  }

  /** A composite's deadline or a leaf's back-off: its event comes back when the time is up, while the pod runs. */
  private arm(t: TimerCommand): void {
    const event = timerEvent(t);
    this.timers.arm(timerKey(t), t.seconds, () => this.engine.status === 'running' && this.apply(event));
  }

  /** Stop `step`'s container, only if it runs the attempt the engine stopped (as a worker takes a stop message: src/worker/step-worker.ts). */
  private kill(step: string, attempt?: number): void {
    const entry = this.live.get(step);
    if (entry && attempt !== undefined && entry.attempt !== attempt) return;
    if (entry) entry.killed = true;
    this.driver.kill(step);
  }

  private async window(cmd: WindowCommand): Promise<void> {
    try {
      const w = await this.windows.next(cmd);
      this.apply({ type: 'window', step: cmd.step, round: cmd.round, items: w.items, drained: w.drained });
    } catch (e) {
      // A source that cannot be read fails its cycle, as at the macro level (coordinator/sync.ts
      // followUp): the engine takes a window with an error, and the pod fails through its flow.
      this.apply({ type: 'window', step: cmd.step, round: cmd.round, items: [], drained: true, error: (e as Error).message });
    }
  }

  private maybeFinish(): void {
    if (!this.doneCmd || this.live.size > 0 || this.finishing) return;
    this.finishing = true;
    void this.finishPod(this.doneCmd);
  }

  private async finishPod(done: DoneCommand): Promise<void> {
    let msg: DoneMessage;
    if (this.failure) msg = { type: 'done', ok: false, status: 'failed', error: this.failure };
    else if (done.status === 'succeeded') msg = { type: 'done', ok: true, status: 'succeeded', result: done.result ?? null };
    else msg = { type: 'done', ok: false, status: done.status === 'cancelled' ? 'cancelled' : 'failed', error: this.rootError(done.error ?? done.status) };
    // The pod's own output parameters (PodSpec.outputs), over what its containers gave: all of
    // them when it succeeded (one that does not resolve fails it, as a unit's does), those that
    // resolve when its program failed (a failed pod keeps what its steps gave).
    const gives = this.plan.pod.gives?.parameters;
    if (gives && msg.ok) {
      try {
        const parameters = this.engine.rootParameters(gives);
        if (parameters) msg.parameters = parameters;
      } catch (e) {
        msg = { type: 'done', ok: false, status: 'failed', error: `pod ${this.plan.step}: ${(e as Error).message}` };
      }
    } else if (gives && msg.status === 'failed' && !this.failure && this.cancelReason === undefined) {
      const parameters = this.engine.rootParameters(gives, true);
      if (parameters) msg.parameters = parameters;
    }
    if (msg.ok) {
      try {
        await this.outputs.write(msg.result ?? null);
      } catch (e) {
        msg = { type: 'done', ok: false, status: 'failed', error: `pod outputs could not be written: ${(e as Error).message}` };
      }
    } else {
      // A pod whose program failed keeps what its steps gave, as a failed task does (Argo tester 5, P4):
      // its result made of theirs, and its outputs dir as a success's. Not one that was stopped or broke.
      if (msg.status === 'failed' && !this.failure && this.cancelReason === undefined) await this.keepFailed(msg);
      if (this.failedExit !== undefined) msg.exitCode = this.failedExit.exitCode;
      // Its exit code as its flow says (PodSpec.outputs.exitCode; an Argo containerSet's is its main
      // container's), given under POD_EXIT_CODE: none when it does not resolve (main never ran).
      // msg.exitCode stays its failed container's: it tells a failure from an error (act.ts failedAsError).
      const exitCodeOf = this.plan.pod.exitCode;
      const code = exitCodeOf !== undefined && msg.status === 'failed' && !this.failure && this.cancelReason === undefined ? this.engine.rootParameters({ exitCode: exitCodeOf }, true)?.exitCode : undefined;
      if (code !== undefined && code !== null && code !== '' && Number.isInteger(Number(code))) msg.parameters = { ...msg.parameters, [POD_EXIT_CODE]: Number(code) };
      // The root's own timeout (its deadline), else that of the step whose failure failed the pod.
      const reason = this.failure ? undefined : (done.reason ?? this.failedExit?.reason);
      if (reason && msg.status === 'failed') msg.reason = reason;
    }
    await this.driver.drain?.();
    this.end(msg);
  }

  /** A failed pod's result and outputs (pod-outputs.ts failedResult); what cannot be written is said in its error. */
  private async keepFailed(msg: DoneMessage): Promise<void> {
    const result = this.outputs.failedResult(this.plan.pod.body);
    if (result !== undefined) msg.result = result;
    try {
      await this.outputs.write(result ?? null);
    } catch (e) {
      msg.error = `${msg.error ?? 'failed'} (its outputs were not kept: ${(e as Error).message})`;
    }
  }

  /** A leaf at the root has no parent to name it in its error: name it here, as parents do. */
  private rootError(error: string): string {
    const body = this.plan.pod.body;
    return !isLeaf(body) || error.startsWith('step ') || this.cancelReason !== undefined ? error : `step ${joinId(this.plan.step, body.seg)} failed: ${error}`;
  }

  private end(msg: DoneMessage): DoneMessage {
    // The micro steps made, which the run charges past what the pod's start counted (docs/runs.md).
    msg.steps = this.engine.stepsMade;
    this.send(msg);
    this.settle(msg);
    return msg;
  }
}

/** A container's own working directory (when its task names none), beside its inputs and outputs. */
function ownDirPath(dirs: StepDirs): string {
  return join(dirs.inputs, '..', 'wd');
}

/** ownDirPath, made when missing: synchronously, for a container started in the tick it is decided. */
function ownDirOf(dirs: StepDirs): string {
  const ownDir = ownDirPath(dirs);
  mkdirSync(ownDir, { recursive: true });
  return ownDir;
}
