/** The flow language: documents as users write them (DESIGN.md section 3). */

export type JsonValue = null | boolean | number | string | JsonValue[] | { [k: string]: JsonValue };
/** A json-logic expression: data only, never code. */
export type Logic = JsonValue;

export const PATTERN_KEYS = ['task', 'pod', 'sequence', 'graph', 'fanOut', 'fanIn', 'cycle', 'use', 'generate'] as const;
export type PatternKey = (typeof PATTERN_KEYS)[number];

export interface Resources {
  cpu?: string;
  memory?: string;
  limits?: { cpu?: string; memory?: string };
}

/** One unit of work: a pod with one container (macro) or one container (micro). */
export interface TaskSpec {
  image: string;
  command?: string[];
  args?: string[];
  env?: Record<string, string>;
  workingDir?: string;
  resources?: Resources;
  /** input name -> "stepRef:outputName"; see docs/flow-language.md */
  inputs?: Record<string, string>;
  /** names of files the step writes to STRATA_OUTPUTS that are kept as artifacts */
  outputs?: string[];
}

export interface Common {
  id?: string;
  when?: Logic;
  retries?: number;
  timeout?: number;
  outputs?: string[];
  dependsOn?: string[];
}

export interface PodSpec {
  name?: string;
  flow: FlowNode;
  channels?: { scratch?: 'memory' | 'disk'; scratchSize?: string; ipc?: string[] };
}

export type Traversal = 'dfs' | 'bfs' | 'dependency';

export interface GraphSpec {
  traversal?: Traversal;
  maxParallel?: number;
  nodes: Record<string, FlowNode>;
}

export interface FanOutSpec {
  over: Logic;
  as?: string;
  concurrency?: number;
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
    | { use: string; with?: Record<string, JsonValue> }
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
  spec: { params?: Record<string, JsonValue>; root: FlowNode };
}

/** The pattern key of a node that has passed validation. */
export function patternOf(node: FlowNode): PatternKey {
  for (const k of PATTERN_KEYS) if (k in node) return k;
  throw new Error('node without a pattern key reached the compiler');
}
