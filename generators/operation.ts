/** Shared by generators: turn an operation parameter (a task spec or a flow node) into a flow node. */
import { StrataError } from '../src/errors/strata-error.ts';
import { PATTERN_KEYS, type FlowNode, type JsonValue, type TaskSpec } from '../src/flow/types.ts';

type Obj = Record<string, unknown>;

/** A flow node from `{ image, ... }` (a task) or any node (`{ use: ... }`, `{ sequence: [...] }`). */
export function operationNode(op: JsonValue | undefined, where: string): FlowNode {
  if (!op || typeof op !== 'object' || Array.isArray(op)) {
    throw new StrataError('invalid_document', `${where}: must be a task ({ image, command, ... }) or a flow node`, { problems: [{ path: where, message: 'must be a task or a flow node' }] });
  }
  if (PATTERN_KEYS.some((k) => k in op)) return structuredClone(op) as unknown as FlowNode;
  // A task is copied one level deep: callers replace env, inputs and outputs, never edit them.
  if (typeof (op as Obj).image === 'string') return { task: { ...(op as object) } as TaskSpec };
  throw new StrataError('invalid_document', `${where}: needs an image (a task) or a pattern key (a flow node)`, { problems: [{ path: where, message: 'needs an image or a pattern key' }] });
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
