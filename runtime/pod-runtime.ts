/**
 * The port through which workers run pods. One real implementation per environment:
 * `local` (process groups, runtime/local/) and `kubernetes` (runtime/kubernetes/).
 * A macro step is either a one-container pod (`kind: task`) or a pod whose inside is a
 * micro plan run by the quarterback (`kind: pod`).
 */
import type { RunLimits } from '../src/flow/limits.ts';
import type { Computed, JsonValue } from '../src/flow/types.ts';
import type { RunTask } from '../src/engine/types.ts';
import type { FailureReason } from '../src/engine/timeout-error.ts';
import type { PlanNode } from '../src/plan/plan-node.ts';
import type { KeptStep } from './quarterback/protocol.ts';
import type { StepStatus } from '../src/engine/types.ts';

export interface PodRequest {
  runId: string;
  /** the macro step id (the pod) */
  step: string;
  attempt: number;
  kind: 'task' | 'pod';
  /** kind task: the one container */
  task?: RunTask;
  /** kind pod: the micro plan the quarterback runs, with what its steps see */
  pod?: {
    name: string;
    channels: { scratch: 'memory' | 'disk'; scratchSize?: string; ipc: string[] };
    body: PlanNode;
    /** the pod's own output parameters: templates over its containers' outputs (PodSpec.outputs) */
    gives?: { parameters: Record<string, Computed> };
    /** the pod step's exit code: a template over its containers (PodSpec.outputs.exitCode) */
    exitCode?: Computed;
    params: Record<string, JsonValue>;
    unit: string;
    item?: JsonValue;
    /** every enclosing fan-out item by its `as` name, outermost first */
    items?: Record<string, JsonValue>;
    round?: number;
    /**
     * a pod resumed after a retry of the run: its inner steps that succeeded in the execution
     * the run kept (its POD_STEPS_FILE), kept again with their outputs instead of running
     */
    kept?: KeptStep[];
    /** the steps the run had made when it started the pod, its micro steps aside: its quarterback counts on from there (StartCommand.pod.stepsBefore) */
    stepsBefore?: number;
    /** the micro steps it may make before its quarterback asks the run for more (log version 8; StartCommand.pod.allowed) */
    allowed?: number;
  };
  /** STRATA_* variables prepared by the worker (RUN, STEP, ITEM, ROUND, PARAMS) plus the task's env */
  env: Record<string, string>;
  /** directory holding the step's inputs, one file per input (kind task); the worker made it */
  inputsDir: string;
  /** directory the step writes outputs to, made and empty; result.json is its small JSON result */
  outputsDir: string;
  /** root of the artifact store: <artifactsDir>/<runId>/<stepId>/<output> */
  artifactsDir: string;
  /**
   * kind task on the Kubernetes runtime: this execution's directory on the shared volume
   * that holds its container's paths of its own (runtime/kubernetes/own-paths.ts); the
   * runtime makes and removes it
   */
  privateDir?: string;
  timeoutMs?: number;
  /** bytes result.json may hold (runtime/step-files.ts RESULT_LIMIT_BYTES when absent; a generate step's Dataset may be larger) */
  resultLimit?: number;
  /** a pod's: the run's limits, which its quarterback applies to its micro steps (DEFAULT_LIMITS when absent) */
  limits?: RunLimits;
}

/** Progress of a micro step inside a pod, reported as it happens. */
export interface StepReport {
  type: 'step';
  step: string;
  status: StepStatus;
  attempt?: number;
  result?: JsonValue;
  error?: string;
  exitCode?: number | null;
  /** a task's image and a fan-out item's value, when the step starts */
  image?: string;
  item?: JsonValue;
  /** a container's named output parameters, when it succeeded */
  parameters?: Record<string, JsonValue>;
  /** only a mark: `step` runs again, and what was recorded beneath it is of its earlier attempt (SupersedeCommand); `status` is not recorded */
  supersede?: true;
  /**
   * Ended by a stop from outside the run: a signal to the quarterback (the kubelet stopping a
   * pod someone deleted, a kill by hand), its worker gone. The quarterback cannot tell such a
   * stop from the run's cancel (on kubernetes both delete the pod); the worker can, and records
   * the step when the pod has ended: as reported if the run stopped the pod, else failed with it
   * (src/worker/run-step.ts).
   */
  stopped?: true;
  at: number;
}

export interface LogReport {
  type: 'log';
  step: string;
  stream: 'stdout' | 'stderr';
  chunk: string;
}

/**
 * A pod's quarterback asks the run for `steps` micro steps in all (log version 8): the worker
 * appends the ask to the run's log and answers with `grant`, the total the run granted.
 */
export interface AskReport {
  type: 'ask';
  steps: number;
  grant(steps: number): void;
}

export type PodReport = StepReport | LogReport | AskReport;

export interface PodOutcome {
  ok: boolean;
  /** the pod's small JSON result (result.json of the task, or of the micro plan's root) */
  result?: JsonValue;
  error?: string;
  exitCode?: number | null;
  /** `timeout`: the pod (or the container that failed it) was stopped at its timeout, which makes its failure `failed`, not `errored` */
  reason?: FailureReason;
  /** the runtime met a fault Argo's IsTransientErr calls transient (src/engine/transient-fault.ts): what `retry.on: transient` goes by, never `error`'s words */
  transient?: boolean;
  /** a task's named output parameters (docs/flow-language.md, Outputs) */
  parameters?: Record<string, JsonValue>;
  /** a pod's: the micro steps its quarterback made (DoneMessage.steps), which the run charges past what the pod's start counted */
  steps?: number;
}

export interface PodRuntime {
  readonly name: string;
  /** Run one pod to its end. Aborting `signal` kills it and everything it started. */
  run(req: PodRequest, onReport: (r: PodReport) => void, signal: AbortSignal): Promise<PodOutcome>;
  /**
   * Stop every copy of `steps` this runtime can reach that its own worker does not run (a
   * cancelled run's steps run by a worker that froze): the steps of one stop message at
   * once. `attempts` (same order; undefined: any) names each step's attempt: a copy of another
   * attempt is not stopped (a stop told again after a retry of the run names the attempt
   * before it). The local runtime reaches the copies of its instance on this machine.
   */
  stopCopies?(runId: string, steps: readonly string[], attempts?: ReadonlyArray<number | undefined>): Promise<void>;
  /** Let go of what the runtime holds (watches, clients) when the worker stops. */
  close?(): Promise<void> | void;
}
