/** Shared by generators: turn an operation parameter (a task spec or a flow node) into a flow node. */
import { invalid, StrataError, type Problem } from '../src/errors/strata-error.ts';
import { DEFAULT_LIMITS } from '../src/flow/limits.ts';
import { taskSchema } from '../src/flow/task-schema.ts';
import { validateNode } from '../src/flow/validate-node.ts';
import { check } from '../src/flow/zod-problems.ts';
import { PATTERN_KEYS, type FlowNode, type JsonValue, type TaskSpec } from '../src/flow/types.ts';

type Obj = Record<string, unknown>;

/**
 * A flow node from `{ image, ... }` (a task) or any node (`{ use: ... }`, `{ sequence: [...] }`),
 * checked here: generated flows are made of checked operations joined by generator code,
 * so they are not validated again node by node (see build-flow.ts).
 */
export function operationNode(op: JsonValue | undefined, where: string): FlowNode {
  if (!op || typeof op !== 'object' || Array.isArray(op)) {
    throw new StrataError('invalid_document', `${where}: must be a task ({ image, command, ... }) or a flow node`, { problems: [{ path: where, message: 'must be a task or a flow node' }] });
  }
  const problems: Problem[] = [];
  let node: FlowNode;
  if (PATTERN_KEYS.some((k) => k in op)) {
    node = structuredClone(op) as unknown as FlowNode;
    validateNode(node, where, { limits: DEFAULT_LIMITS, problems, count: 0, inPod: false }, 1);
  } else if (typeof (op as Obj).image === 'string') {
    // A task is copied one level deep: callers replace env, inputs and outputs, never edit them.
    node = { task: { ...(op as object) } as TaskSpec };
    check(taskSchema, node.task, where, problems);
  } else {
    throw new StrataError('invalid_document', `${where}: needs an image (a task) or a pattern key (a flow node)`, { problems: [{ path: where, message: 'needs an image or a pattern key' }] });
  }
  if (problems.length > 0) throw invalid(problems);
  return node;
}

/**
 * The problems operationNode would refuse `op` with, at `where` ([] when it makes a node):
 * what a rule's literal operation is checked by when the rule is registered, so a rule no
 * Dataset can make a flow of is refused then, not at every ingest (generators/parameters.ts).
 */
export function operationProblems(op: JsonValue | undefined, where: string): Problem[] {
  try {
    operationNode(op, where);
    return [];
  } catch (e) {
    const err = e as StrataError;
    return err.details?.problems ?? [{ path: where, message: err.message }];
  }
}

/** A parameter read as a whole number, with a default. */
export function intParam(params: Record<string, JsonValue>, name: string, dflt: number | undefined): number | undefined {
  const v = params[name];
  if (v === undefined || v === null) return dflt;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) {
    throw new StrataError('invalid_document', `with.${name}: must be a whole number of at least 1`, { problems: [{ path: `with.${name}`, message: 'must be a whole number of at least 1' }] });
  }
  return v;
}

/** A parameter that must be one of `allowed`. */
export function oneOf<T extends string>(params: Record<string, JsonValue>, name: string, allowed: readonly T[], dflt: T): T {
  const v = params[name] ?? dflt;
  if (!allowed.includes(v as T)) {
    throw new StrataError('invalid_document', `with.${name}: must be one of ${allowed.join(', ')}`, { problems: [{ path: `with.${name}`, message: `must be one of ${allowed.join(', ')}` }] });
  }
  return v as T;
}

/** An operation given with a `name` (pipeline steps, stream stages): the name, and the operation without it. */
export function named(op: JsonValue): { name: string | undefined; rest: JsonValue } {
  if (!op || typeof op !== 'object' || Array.isArray(op) || typeof (op as Obj).name !== 'string') return { name: undefined, rest: op };
  const { name, ...rest } = op as Record<string, JsonValue>;
  return { name: name as string, rest };
}
