/**
 * The quarterback's one port to containers: start one, learn of its exit at once, kill it.
 * `process-driver.ts` runs containers as child processes (local runtime); the file-gate
 * driver releases pre-declared containers of a Kubernetes pod through the shared volume.
 */
import type { RunTask } from '../../src/engine/types.ts';
import type { FailureReason } from '../../src/engine/timeout-error.ts';

export interface ContainerSpec {
  step: string;
  attempt: number;
  task: RunTask;
  /** the full environment of the container (STRATA_* included) */
  env: Record<string, string>;
  timeoutMs?: number;
  /** run inside a private file system view: bubblewrap's arguments (runtime/local/private-view.ts) */
  sandbox?: string[];
  /** in a private view: where a path of the view is on this machine, undefined outside its private paths */
  sandboxPath?: (path: string) => string | undefined;
  /**
   * A directory of this container's own (this execution's, empty at start): its working
   * directory when the task names none, as a container starts in its image's, never in the
   * directory strata was started from (docs/flow-language.md, The working directory).
   */
  ownDir?: string;
}

export interface ContainerExit {
  step: string;
  attempt: number;
  exitCode: number | null;
  signal?: string;
  /** a reason in plain words when it did not exit by itself (timeout, killed, could not start) */
  error?: string;
  /** `timeout`: the driver stopped it at its timeout (what the engine goes by; `error` is only words) */
  reason?: FailureReason;
  /** it could not start for a fault that passes (EAGAIN: no process could be made now; src/engine/transient-fault.ts): what `retry.on: transient` goes by */
  transient?: boolean;
  /**
   * Resolves once the container's output has been read to its end (the exit is reported
   * first, at once): what reads the whole standard output waits for it.
   */
  logsEnded?: Promise<void>;
  /** true when the machinery running it was lost (the process launcher died): not the container's failure */
  lost?: boolean;
  /** a driver that gives containers their paths of their own (`ownPaths`): where a path of the container is, here */
  view?: { hostPathOf(path: string): string | undefined };
  /** a driver that keeps standard output (`keepsStdout`): the file holding its first bytes, for `result: stdout` */
  stdoutFile?: string;
}

export interface ContainerDriver {
  /** false when the containers' output does not pass through the driver (it cannot be a step's result) */
  readonly seesOutput?: boolean;
  /** true when the driver keeps a `result: stdout` container's standard output in a file (ContainerExit.stdoutFile) */
  readonly keepsStdout?: boolean;
  /** true when the driver gives a container its declared paths of its own itself, with its inputs there (ContainerExit.view): no private view is made for it */
  readonly ownPaths?: boolean;
  /**
   * Start a container. A promise returned by `onExit` holds what the driver keeps of the
   * container (its paths of its own) until it resolves: the caller reads them first.
   */
  start(spec: ContainerSpec, onExit: (e: ContainerExit) => void | Promise<void>, onLog?: (stream: 'stdout' | 'stderr', chunk: string) => void): void;
  kill(step: string): void;
}
