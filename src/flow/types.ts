/** The flow language: documents as users write them (DESIGN.md section 3). */

export type JsonValue = null | boolean | number | string | JsonValue[] | { [k: string]: JsonValue };
/** A json-logic expression: data only, never code. */
export type Logic = JsonValue;

export const PATTERN_KEYS = ['task', 'pod', 'sequence', 'graph', 'fanOut', 'fanIn', 'cycle', 'use', 'generate'] as const;
export type PatternKey = (typeof PATTERN_KEYS)[number];

/** A task's resources: `cpu`/`memory` requests; `limits` of those and of Kubernetes extended resources (`nvidia.com/gpu`, whole units). */
export interface Resources {
  cpu?: string;
  memory?: string;
  limits?: { cpu?: string; memory?: string; [extended: string]: string | undefined };
}

/**
 * A text field of a task that is resolved when the step starts (docs/flow-language.md,
 * Substitution): a string with `{{ reference }}` parts, or a json-logic expression whose
 * value is written as text (a computed value).
 */
export type Template = string;
export type Computed = Template | { [op: string]: JsonValue };

/** A file input: `"step:output"` (at `$STRATA_INPUTS/<name>`), or that and the path it is put at. */
export type InputSpec = string | { from: string; path?: string; optional?: boolean };

/** An artifact: a file name in STRATA_OUTPUTS, or a named file or directory at a declared path. */
/** An output artifact: a file name in STRATA_OUTPUTS, or `{ name, path? }` (at a path of the container's own); `optional`: the step may end well without it. */
export type ArtifactSpec = string | { name: string; path?: string; optional?: boolean };

/** A named output parameter: trimmed text read from `path` (relative: in STRATA_OUTPUTS), `default` when not written. */
export interface OutputParameterSpec {
  path: string;
  default?: JsonValue;
  /** true: the file as written less one trailing newline (Argo's SaveParameters); absent or false: trimmed */
  text?: boolean;
}

/** A task's outputs: a list of artifact names (the short form) or artifacts and named parameters. */
export type OutputsSpec = string[] | { artifacts?: ArtifactSpec[]; parameters?: Record<string, OutputParameterSpec> };

/** A path each container sees as its own (private fs view), or the pod's scratch at a fixed path. */
export type VolumeSpec = string | { path: string; from?: 'scratch' };

/** One unit of work: a pod with one container (macro) or one container (micro). */
export interface TaskSpec {
  image: Computed;
  command?: Computed[];
  args?: Computed[];
  env?: Record<string, Computed>;
  workingDir?: Computed;
  resources?: Resources;
  /** input name -> "stepRef:outputName" (or with a path); see docs/flow-language.md */
  inputs?: Record<string, InputSpec>;
  /** files kept as artifacts, and named output parameters */
  outputs?: OutputsSpec;
  /** where the step's result comes from: result.json (`file`, the default) or its standard output */
  result?: 'file' | 'stdout' | 'text';
  /** paths the container sees as its own (local runtime: bubblewrap) */
  volumes?: VolumeSpec[];
}

/** A duration: seconds, or text with a unit (`500ms`, `30s`, `2m`, `1h`). */
export type Duration = number | string;

/** Retries with back-off; `retries: N` is short for `{ limit: N }`. */
export interface RetrySpec {
  /** attempts after the first; or text with `{{ references }}` giving one, resolved when the node starts */
  limit: number | string;
  /** which failures are retried: a non-zero exit (`failed`), no exit code of its own (`error`), both, or a fault its runtime called transient (`transient`, engine/transient-fault.ts) */
  on?: 'failed' | 'error' | 'always' | 'transient';
  backoff?: { duration: Duration; factor?: number; max?: Duration; maxDuration?: Duration };
}

/** Failures a node's parent goes on after (the node still ends failed). */
export interface ContinueOn {
  failed?: boolean;
  error?: boolean;
}

/** A dependency's outcome a graph node waits for. */
export type Outcome = 'succeeded' | 'failed' | 'errored' | 'skipped' | 'completed' | 'any';

/** A graph dependency: a node name (succeeded or skipped), or a node and the outcomes it must have. */
export type Dependency = string | { node: string; on: Outcome | Outcome[] };

export interface Common {
  id?: string;
  when?: Logic;
  retries?: number;
  retry?: RetrySpec;
  /** a composite only: when it fails, it runs again whole from its start (docs/flow-language.md, Retries with back-off) */
  /** a composite runs again whole when it fails; `inherit`: under the `retry` its place gives (an enclosing composite's), when there is one */
  retryWhole?: RetrySpec | 'inherit';
  /** seconds; or text with `{{ references }}` giving seconds or a duration (`30s`), resolved when the step starts */
  timeout?: number | string;
  outputs?: OutputsSpec;
  dependsOn?: Dependency[];
  /** an expression over sibling outcomes, Argo's syntax: `a && (b.Failed || c.Skipped)` */
  depends?: string;
  continueOn?: ContinueOn;
  /** a node run once this one has ended, whatever its outcome; it reads `exit` */
  onExit?: FlowNode;
}

export interface PodSpec {
  name?: string;
  flow: FlowNode;
  /** what the pod gives as its own output parameters: name -> a template over its containers' outputs, resolved when it ends */
  outputs?: {
    parameters?: Record<string, string>;
    /** the pod step's exit code (`{{ steps.POD.exitCode }}`): a template over its containers (`{{ steps.main.exitCode }}`), resolved when it ends; without it, its first failed container's */
    exitCode?: string;
  };
  channels?: { scratch?: 'memory' | 'disk'; scratchSize?: string; ipc?: string[] };
}

export type Traversal = 'dfs' | 'bfs' | 'dependency';

export interface GraphSpec {
  traversal?: Traversal;
  maxParallel?: number;
  /** false: after a failure, nodes that do not depend on it still run */
  failFast?: boolean;
  /**
   * run only these nodes and what they depend on; json-logic (`{ "var": "params.target" }`)
   * gives them when the graph starts: a list of node names, or text of names separated by
   * spaces or commas
   */
  targets?: string[] | { [op: string]: Logic };
  /** `leaves`: the graph fails when a leaf's branch failed, a leaf that did not run taking its dependencies' outcome (Argo's DAG phase) */
  outcome?: 'leaves';
  nodes: Record<string, FlowNode>;
}

export interface FanOutSpec {
  over: Logic;
  as?: string;
  concurrency?: number;
  /** false: after an item fails, the remaining items still run */
  failFast?: boolean;
  /** `succeeded`: the result lists only the items that succeeded (Argo's aggregated outputs), not null for the others */
  results?: 'succeeded';
  /** `skipped`: over an empty list it ends skipped, not succeeded with `[]` (Argo's "Skipped, empty params") */
  empty?: 'skipped';
  do: FlowNode;
}

export interface FanInSpec {
  from: string;
  do: FlowNode;
}

export interface CycleSpec {
  ring: FlowNode[];
  rounds?: number;
  until?: Logic;
  window?: { size?: number; ms?: number };
  source?: string;
}

export type FlowNode = Common &
  (
    | { task: TaskSpec }
    | { pod: PodSpec }
    | { sequence: FlowNode[] }
    | { graph: GraphSpec }
    | { fanOut: FanOutSpec }
    | { fanIn: FanInSpec }
    | { cycle: CycleSpec }
    | { use: string; with?: Record<string, JsonValue>; inputs?: Record<string, string> }
    | { generate: TaskSpec }
  );

export interface Metadata {
  name: string;
  version?: string;
  labels?: Record<string, string>;
}

export interface FlowDocument {
  apiVersion: 'strata/v1';
  kind: 'Flow';
  metadata: Metadata & { version: string };
  spec: {
    params?: Record<string, JsonValue>;
    root: FlowNode;
    /** artifact names the flow takes when used as a unit (`":name"` inside reads one) */
    inputs?: string[];
    /** what the unit gives its caller: artifacts name -> "step:output", parameters name -> template */
    outputs?: { artifacts?: Record<string, string>; parameters?: Record<string, Computed> };
    /** the root's exit handler */
    onExit?: FlowNode;
    /** at most this many steps beneath the root (tasks, pods, generate steps) run at once (src/engine/run-slots.ts) */
    parallelism?: number;
    /** seconds the whole root may take, every attempt and back-off included, counted from when it starts (a run's: the run's start) */
    deadline?: number | string;
  };
}

/** The pattern key of a node that has passed validation. */
export function patternOf(node: FlowNode): PatternKey {
  for (const k of PATTERN_KEYS) if (k in node) return k;
  throw new Error('node without a pattern key reached the compiler');
}
