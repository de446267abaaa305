/**
 * Each built-in generator's parameters (a rule's `with`), as zod schemas turned into JSON
 * Schema for GET /v1/generators and editors. The generators read their parameters
 * themselves (with the same names, defaults and ranges); these describe them.
 */
import { z } from 'zod';
import type { Problem } from '../src/errors/strata-error.ts';
import { appendAll } from '../src/flow/append-all.ts';
import { didYouMean } from '../src/flow/nearest.ts';
import { check } from '../src/flow/zod-problems.ts';
import { isLogic } from '../src/logic/json-logic.ts';
import { validateGuard } from '../src/logic/guard.ts';
import type { JsonValue } from '../src/flow/types.ts';
import { named as withoutName, operationProblems } from './operation.ts';

const operation = z.record(z.string(), z.unknown()).describe('a task ({ image, command, args, env, ... }) or any flow node ({ use }, { sequence }, ...)');
const count = (d: string) => z.number().int().min(1).describe(d);
const named = z.record(z.string(), z.unknown()).describe('an operation, optionally with a `name` that becomes its step id');

const SCHEMAS = {
  hierarchy: z.object({
    traversal: z.enum(['dfs', 'bfs', 'dependency']).default('dependency').describe('order in which tree nodes run'),
    direction: z.enum(['up', 'down']).default('up').describe('up: children first, their `out` handed to the parent as child.<id>; down: parent first, its `out` handed to each child as parent'),
    placement: z.enum(['pod-per-node', 'subtree-per-pod']).default('pod-per-node').describe('one pod per tree node, or each subtree of at most `threshold` nodes inside one pod'),
    threshold: count('largest subtree run inside one pod (subtree-per-pod)').default(50),
    maxParallel: count('tree nodes running at once (dependency traversal)').optional(),
    operations: z.record(z.string(), operation).describe('operation per level operation name or level name; `default` for the rest').optional(),
    task: z.record(z.string(), z.unknown()).describe('a task evaluated per tree node (json-logic over the node), instead of operations').optional(),
    before: operation.optional(),
    after: operation.optional(),
  }),
  partition: z.object({
    map: operation.describe('run once per partition (fan-out)'),
    reduce: operation.describe('run once over the list of map results (fan-in)').optional(),
    count: count('numbered partitions, when the Dataset lists none').optional(),
    concurrency: count('partitions processed at once').optional(),
  }),
  stream: z.object({
    stages: z.array(named).min(1).describe('the ring: each window passes through these in order'),
    window: z.object({ size: count('items per window').default(100), ms: z.number().int().min(1).describe('or what arrived within this many milliseconds').optional() }).optional(),
    rounds: count('rounds before the cycle ends').optional(),
    // A guard given as text would always hold (src/logic/guard.ts): refused here as in a flow.
    until: z.unknown().superRefine((v, ctx) => { for (const p of validateGuard(v, '')) ctx.addIssue({ code: 'custom', message: p.message }); }).describe('json-logic over the last round\'s outputs: the cycle ends when it holds').optional(),
  }),
  pipeline: z.object({
    operations: z.array(named).min(1).describe('run one after another'),
  }),
};

/** Whether `value` holds a json-logic expression anywhere (a rule's values are evaluated per Dataset, logic-values.ts). */
function holdsLogic(value: unknown): boolean {
  if (isLogic(value)) return true;
  if (Array.isArray(value)) return value.some(holdsLogic);
  return value !== null && typeof value === 'object' && Object.values(value).some(holdsLogic);
}

/**
 * The problems of a rule's parameters for generator `name` (its `with`), each at
 * `path.<key>`: a key the generator does not take, and a value written as it is (no
 * json-logic inside) that its schema refuses. A value holding json-logic is evaluated per
 * Dataset and checked by the generator then. [] for a generator without a schema.
 */
export function parameterProblems(name: string, params: Record<string, unknown>, path: string): Problem[] {
  const s = SCHEMAS[name as keyof typeof SCHEMAS];
  if (!s) return [];
  const shape = s.shape as Record<string, z.ZodType>;
  const known = Object.keys(shape);
  const problems: Problem[] = [];
  for (const [k, v] of Object.entries(params)) {
    if (!Object.hasOwn(shape, k)) problems.push({ path: `${path}.${k}`, message: `unknown parameter "${k}" of generator ${name}${didYouMean(k, known)}; it takes ${known.join(', ')}` });
    else if (!holdsLogic(v)) {
      const found = checked(shape[k]!, v, `${path}.${k}`);
      appendAll(problems, found);
      // Its operations, as the generator makes nodes of them (operation.ts): each one written as it is.
      if (found.length === 0) for (const [op, at] of operationsIn(name, k, v)) if (!holdsLogic(op)) appendAll(problems, operationProblems(op as JsonValue, `${path}.${k}${at}`));
    }
  }
  return problems;
}

/** The operations parameter `key` of generator `name` holds, each with its place under the key (a `name` taken off a named one). */
function operationsIn(name: string, key: string, value: unknown): Array<[unknown, string]> {
  const unnamed = (op: unknown) => withoutName(op as JsonValue).rest;
  if ((name === 'pipeline' && key === 'operations') || (name === 'stream' && key === 'stages')) return (value as unknown[]).map((op, i) => [unnamed(op), `[${i}]`]);
  if (name === 'hierarchy' && key === 'operations') return Object.entries(value as Record<string, unknown>).map(([level, op]) => [op, `.${level}`]);
  if ((name === 'hierarchy' && (key === 'before' || key === 'after')) || (name === 'partition' && (key === 'map' || key === 'reduce'))) return [[value, '']];
  return [];
}

function checked(schema: z.ZodType, value: unknown, path: string): Problem[] {
  const problems: Problem[] = [];
  check(schema, value, path, problems);
  return problems;
}

/** The JSON Schema of a generator's parameters; an open object for a generator without a schema. */
export function parametersOf(name: string): Record<string, unknown> {
  const s = SCHEMAS[name as keyof typeof SCHEMAS];
  return s ? (z.toJSONSchema(s, { io: 'input' }) as Record<string, unknown>) : { type: 'object' };
}
