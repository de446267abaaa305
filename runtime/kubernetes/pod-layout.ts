/**
 * The fixed layout of a strata pod: labels, annotations, volume names, mount paths and the
 * environment variables that configure the quarterback and the gate entrypoint. Every
 * shared volume is mounted at the same path in every container, so a path the quarterback
 * computes is valid in the step containers too.
 */

export const LABELS = {
  run: 'strata.dev/run',
  step: 'strata.dev/step',
  attempt: 'strata.dev/attempt',
  kind: 'strata.dev/kind',
  managedBy: 'app.kubernetes.io/managed-by',
  component: 'app.kubernetes.io/component',
} as const;

export const MANAGED_BY = 'strata';

export const ANNOTATIONS = {
  /** the exact run id (labels hold a folded form) */
  runId: 'strata.dev/run-id',
  /** the exact step id */
  stepId: 'strata.dev/step-id',
  /** the quarterback's step reports (JSON, see report-protocol.ts) */
  report: 'strata.dev/report',
  /** the run's answer to the quarterback's ask for steps (JSON `{asked, steps}`, report-protocol.ts Grant; log version 8) */
  grant: 'strata.dev/grant',
  /** why the runtime stopped a pod it kept for inspection, in plain words */
  failure: 'strata.dev/failure',
} as const;

export const VOLUMES = {
  tools: 'strata-tools',
  gate: 'strata-gate',
  scratch: 'strata-scratch',
  ipc: 'strata-ipc',
  podinfo: 'strata-podinfo',
  artifacts: 'strata-shared',
  store: 'strata-artifacts',
  inputs: 'strata-inputs',
  outputs: 'strata-outputs',
  token: 'strata-api-token',
  /** a task's declared volumes, `strata-own-<i>`: emptyDirs at their paths */
  own: 'strata-own',
  /** the quarterback's /tmp: its root file system is read-only */
  tmp: 'strata-tmp',
} as const;

/** The pod's own paths, under /strata, which no task path may use (src/flow/task-io-schema.ts STRATA_POD_DIR). */
export const PATHS = {
  tools: '/strata/tools',
  gate: '/strata/gate',
  /** STRATA_SCRATCH: subPath `scratch` of the scratch volume */
  scratch: '/strata/scratch',
  /** each micro step's inputs and outputs: subPath `work` of the same volume, so one size limit covers both */
  work: '/strata/work',
  ipc: '/strata/ipc',
  /** the slot containers' paths of their own, as the quarterback sees them: subPath `own` of the scratch volume */
  own: '/strata/own',
  podinfo: '/strata/podinfo',
  /** where client-node looks for the in-cluster token; mounted in the quarterback only */
  serviceAccount: '/var/run/secrets/kubernetes.io/serviceaccount',
} as const;

/** Where the init container puts the gate entrypoint, and where the quarterback image keeps it. */
export const ENTRYPOINT = {
  inPod: `${PATHS.tools}/entrypoint`,
  inImage: '/strata/entrypoint.sh',
} as const;

export const CONTAINERS = {
  init: 'strata-init',
  quarterback: 'quarterback',
  /** the one container of a `task` pod */
  task: 'main',
} as const;

/** Environment of the quarterback and the gate entrypoints (besides the step's STRATA_* of DESIGN.md section 4). */
export const ENV = {
  gate: 'STRATA_GATE',
  slot: 'STRATA_SLOT',
  planFile: 'STRATA_POD_PLAN_FILE',
  slotsFile: 'STRATA_POD_SLOTS_FILE',
  driver: 'STRATA_CONTAINER_DRIVER',
  report: 'STRATA_REPORT',
  podName: 'STRATA_POD_NAME',
  podNamespace: 'STRATA_POD_NAMESPACE',
} as const;

/** Keys of a micro pod's ConfigMap (named as the pod), files of its podinfo volume in the quarterback: the micro plan and what its steps see, the slot layout the gate driver follows (JSON). */
export const PODINFO_FILES = {
  plan: 'plan.json',
  slots: 'slots.json',
} as const;

/** The label selector that finds every pod strata made. */
export const MANAGED_SELECTOR = `${LABELS.managedBy}=${MANAGED_BY}`;
