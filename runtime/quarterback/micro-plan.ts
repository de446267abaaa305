/**
 * The micro plan file: everything the quarterback needs to run one pod, written by the
 * worker's runtime as JSON and handed to `sidecar/main.ts` by path (argv or
 * STRATA_MICRO_PLAN). Part of the quarterback protocol (see README.md).
 */
import type { RunLimits } from '../../src/flow/limits.ts';
import { readFile } from 'node:fs/promises';
import { StrataError } from '../../src/errors/strata-error.ts';
import type { PodRequest } from '../pod-runtime.ts';
import type { ImageMap } from '../image-map.ts';

export type PodSpec = NonNullable<PodRequest['pod']>;

export interface MicroPlan {
  runId: string;
  /** the pod's (macro) step id: the engine's prefix for every micro step id */
  step: string;
  attempt: number;
  pod: PodSpec;
  /** root of the artifact store: <artifactsDir>/<runId>/<stepId>/<output> */
  artifactsDir: string;
  /** the pod's own outputs dir: its result.json and every container's declared outputs */
  outputsDir: string;
  /** STRATA_SCRATCH of every container: the pod's shared scratch directory */
  scratchDir: string;
  /** STRATA_IPC of every container */
  ipcDir: string;
  /** where each container's inputs and outputs directories are made (on the pod's RAM disk) */
  workDir: string;
  /**
   * Kubernetes: where the quarterback sees each slot container's paths of its own
   * (`<ownDir>/<slot>/<k>`, runtime/kubernetes/slot-layout.ts); absent on the local runtime
   */
  ownDir?: string;
  /** environment every container starts from (the worker's env without STRATA_*) */
  env: Record<string, string>;
  /** image name -> command; tasks without a command run through it */
  imageMap?: ImageMap;
  /** 'stdin': read worker messages from stdin, and cancel when it ends */
  control?: 'stdin' | 'none';
  /** how long a container may take to stop after SIGTERM before SIGKILL */
  killGraceMs?: number;
  /** STRATA_FILE_ROOTS: the only directories file:// cycle sources may be read from; absent: any */
  fileRoots?: string[];
  /** the run's limits (steps, result sizes), as the worker's configuration has them; absent: DEFAULT_LIMITS */
  limits?: RunLimits;
}

const REQUIRED = ['runId', 'step', 'pod', 'artifactsDir', 'outputsDir', 'scratchDir', 'ipcDir', 'workDir'] as const;

/** Read and check a micro plan file; throws a StrataError naming the file and what is wrong. */
export async function readMicroPlan(path: string): Promise<MicroPlan> {
  let doc: unknown;
  try {
    doc = JSON.parse(await readFile(path, 'utf8'));
  } catch (e) {
    throw new StrataError('invalid_request', `cannot read the micro plan ${path}: ${(e as Error).message}`);
  }
  if (typeof doc !== 'object' || doc === null) throw new StrataError('invalid_request', `micro plan ${path}: not a JSON object`);
  const plan = doc as Record<string, unknown>;
  const missing = REQUIRED.filter((k) => plan[k] === undefined);
  if (missing.length > 0) throw new StrataError('invalid_request', `micro plan ${path}: missing ${missing.join(', ')}`);
  const pod = plan.pod as Partial<PodSpec>;
  if (!pod.body || typeof pod.body !== 'object') throw new StrataError('invalid_request', `micro plan ${path}: pod.body is not a plan node`);
  return { attempt: 1, env: {}, ...plan } as MicroPlan;
}
