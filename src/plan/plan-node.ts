/**
 * The compiled form of a flow node, as the pattern engine reads it. Where a Flow is what
 * users write, a PlanNode has its step-id segment worked out, `use` units resolved and
 * graph dependencies made explicit. It is plain JSON.
 */
import type { Computed, ContinueOn, JsonValue, Logic, OutputsSpec, TaskSpec, Traversal } from '../flow/types.ts';
import type { Condition, FailureKind } from '../flow/depends.ts';

export type PlanKind = 'task' | 'pod' | 'sequence' | 'graph' | 'fanOut' | 'fanIn' | 'cycle' | 'use' | 'generate';

interface Base {
  kind: PlanKind;
  /** the segment this node adds to its parent's step id; '' when it adds none */
  seg: string;
  when?: Logic;
  retries?: number;
  /** seconds, or a computed value resolved when the step starts (deadline.ts secondsOf) */
  timeout?: number | string;
  outputs?: OutputsSpec;
  /** graph members: segments of the siblings this node waits for */
  deps?: string[];
  /** graph members: what must hold of those siblings' outcomes (absent: each succeeded or was skipped) */
  cond?: Condition;
  /** retries with back-off, from `retry` or its short form `retries` */
  retry?: PlannedRetry;
  /** a composite: runs again whole when it fails; `inherit`: under the retry its place gives (the scope's), taken when it starts (Act.whole) */
  retryWhole?: PlannedRetry | 'inherit';
  continueOn?: ContinueOn;
  /** the exit handler: runs once this node has ended, whatever its outcome (its seg is `onExit`; `onExit_` for a unit root that has a step `onExit`) */
  onExit?: PlanNode;
  /** on a unit's root: its flow's `spec.parallelism`, steps beneath running at once (src/engine/run-slots.ts) */
  parallelism?: number;
  /** on a unit's root: its flow's `spec.deadline`, seconds for the whole root, every attempt included, from when it starts (engine-core.ts) */
  deadline?: number | string;
  /** on a run's root: the flow it is (`name@version`), which a unit using itself expands to */
  unitRef?: string;
}

/** A node's retry policy, durations in seconds, its limit a number (as the engine applies it). */
export interface RetryPlan {
  limit: number;
  on: 'failed' | 'error' | 'always' | 'transient';
  backoff?: { duration: number; factor: number; max?: number; maxDuration?: number };
}

/** A node's retry policy as planned: its limit may be text with `{{ references }}`, resolved when the node starts (engine/retry-policy.ts resolvedRetry). */
export type PlannedRetry = Omit<RetryPlan, 'limit'> & { limit: number | string };

export interface TaskNode extends Base { kind: 'task'; task: TaskSpec }
export interface GenerateNode extends Base { kind: 'generate'; task: TaskSpec }
export interface PodNode extends Base {
  kind: 'pod';
  pod: { name: string; channels: { scratch: 'memory' | 'disk'; scratchSize?: string; ipc: string[] }; gives?: { parameters: Record<string, Computed> }; exitCode?: Computed };
  body: PlanNode;
}
export interface SequenceNode extends Base {
  kind: 'sequence';
  children: PlanNode[];
  /** run targets below it: the children after the last one on a target's way end skipped */
  targets?: string[];
  untargeted?: string[];
}
export interface GraphNode extends Base {
  kind: 'graph';
  traversal: Traversal;
  maxParallel?: number;
  /** false: independent nodes go on after a failure */
  failFast?: boolean;
  /**
   * children whose failure a sibling's condition handles, with the kinds it handles
   * (`failed`: a non-zero exit; `errored`: none): such a failure neither stops nor fails the graph
   */
  handles?: Record<string, FailureKind[]>;
  /** `leaves`: after the run, a leaf whose branch failed fails the graph (leaf-outcome.ts) */
  outcome?: 'leaves';
  /** DAG targets: the nodes asked for, and the children they do not need (they end skipped) */
  targets?: string[];
  untargeted?: string[];
  /** DAG targets given by json-logic, evaluated when the graph starts (graph.ts): unless the run's targets set `untargeted` */
  targetsLogic?: JsonValue;
  children: PlanNode[];
}
export interface FanOutNode extends Base { kind: 'fanOut'; over: Logic; as: string; concurrency?: number; failFast?: boolean; /** only succeeded items in the result */ results?: 'succeeded'; /** skipped over an empty list */ empty?: 'skipped'; body: PlanNode }
export interface FanInNode extends Base { kind: 'fanIn'; from: string; body: PlanNode }
export interface CycleNode extends Base {
  kind: 'cycle';
  ring: PlanNode[];
  rounds?: number;
  until?: Logic;
  window?: { size?: number; ms?: number };
  source?: string;
}
export interface UseNode extends Base {
  kind: 'use';
  ref: string;
  with: Record<string, JsonValue>;
  params: Record<string, JsonValue>;
  body: PlanNode;
  /** the unit's declared inputs, each `"step:output"` of the caller (resolved where the use node is) */
  inputs?: Record<string, string>;
  /**
   * A use that reaches its own unit again (recursion): its body is that of the enclosing use
   * (or the run's root) of the same ref, expanded when it starts; `body` is a placeholder.
   */
  /** the root of a request by name's wrapper (flow/use-request.ts): its unit is the run's first, at depth 0, as when the flow used is run itself */
  request?: boolean;
  recursive?: boolean;
  /** what the unit gives (its spec.outputs): artifacts name -> `"step:output"` inside it, parameters name -> template */
  gives?: { artifacts?: Record<string, string>; parameters?: Record<string, Computed> };
}

export type PlanNode = TaskNode | GenerateNode | PodNode | SequenceNode | GraphNode | FanOutNode | FanInNode | CycleNode | UseNode;

/**
 * The step a pod's own output parameters (`pod.outputs.parameters`) are read as from: a child
 * of the pod that no container can be (not a name), so `./main` in them is its container
 * main, at the plan's check and when its quarterback resolves them.
 */
export const POD_OUTPUTS_READER = '.outputs';

/**
 * The key a pod's quarterback gives its `outputs.exitCode` under, among its output parameters:
 * no parameter name (validate-node.ts) nor Argo's, taken out by the engine as the pod step's
 * exit code (engine-core.ts finish), so no reader nor the run view sees it as a parameter.
 */
export const POD_EXIT_CODE = ':exitCode';

/** Leaves are what a runner executes: a task (a container or a one-container pod), a pod, or a generate step. */
export function isLeaf(n: PlanNode): n is TaskNode | PodNode | GenerateNode {
  return n.kind === 'task' || n.kind === 'pod' || n.kind === 'generate';
}

/** Join a parent's step id and a segment. */
export function joinId(parent: string, seg: string): string {
  if (seg === '') return parent;
  return parent === '' ? seg : `${parent}/${seg}`;
}

/**
 * The steps a pod's micro plan makes at least, as the plan counts them (compile.ts ctx.order):
 * every node beneath `body` that adds a segment, a fan-out's or cycle's body once. The
 * coordinator's engine counts them against STRATA_MAX_RUN_STEPS when the pod starts (log
 * version 5), since the quarterback's own engine counts only against its own pod.
 */
export function podStepCount(body: PlanNode): number {
  let n = 0;
  const stack: PlanNode[] = [body];
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (node.seg !== '') n++;
    if (node.onExit) stack.push(node.onExit);
    for (const c of planChildren(node)) stack.push(c);
  }
  return n;
}

/**
 * Every node a plan node holds beneath it, its exit handler aside: a composite's children or
 * ring, a body (a fan-out's and cycle's once, as planned, not per item or round). The switch
 * is exhaustive, so tsc refuses a new PlanKind until it says what its children are.
 */
export function planChildren(node: PlanNode): readonly PlanNode[] {
  switch (node.kind) {
    case 'task':
    case 'generate':
      return [];
    case 'sequence':
    case 'graph':
      return node.children;
    case 'cycle':
      return node.ring;
    case 'pod':
    case 'fanOut':
    case 'fanIn':
    case 'use':
      return [node.body];
    default:
      return unhandledKind(node);
  }
}

function unhandledKind(node: never): never {
  throw new Error(`plan node of unknown kind ${(node as { kind?: unknown }).kind}`);
}
