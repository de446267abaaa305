/**
 * The documents' schemas as zod, for editors (`/schemas/<Kind>.json`) and the OpenAPI
 * document. Dataset, Rule, Schedule and Hook are built from the very zod schemas their
 * validators check with; the Flow's is the shape of the flow language (every pattern key
 * and common field, nested nodes as references), while validate-node.ts checks more than
 * a schema can say (ids, references, dependencies, limits).
 */
import { z } from 'zod';
import { datasetSpecSchema } from '../../dataset/dataset-document.ts';
import { metadataSchema, resourcesSchema, taskSchema } from '../../flow/task-schema.ts';
import { outputsSchema, unitInputsSchema, unitOutputsSchema, useInputsSchema } from '../../flow/task-io-schema.ts';
import { ruleSpecSchema } from '../../rules/rule-document.ts';
import { hookSpecSchema, scheduleSpecSchema } from '../../triggers/trigger-documents.ts';

const header = <K extends string>(kind: K) => ({ apiVersion: z.literal('strata/v1'), kind: z.literal(kind), metadata: metadataSchema });
const logic = z.unknown().describe('json-logic');

/** A node of the flow language: exactly one pattern key, and the common fields. */
export const FlowNode: z.ZodType = z.lazy(() => z.object({
  id: z.string().optional(),
  when: logic.optional().describe('a json-logic guard: the node is skipped when it is false'),
  retries: z.number().int().min(0).optional(),
  retry: z.object({ limit: z.union([z.number().int().min(0), z.string()]).describe('attempts after the first; or text with {{ references }} giving one when the node starts'), on: z.enum(['failed', 'error', 'always', 'transient']).optional(), backoff: z.object({ duration: z.union([z.number(), z.string()]), factor: z.number().optional(), max: z.union([z.number(), z.string()]).optional(), maxDuration: z.union([z.number(), z.string()]).optional() }).optional() }).optional().describe('retries with back-off'),
  retryWhole: z.union([z.object({ limit: z.union([z.number().int().min(0), z.string()]).describe('attempts after the first; or text with {{ references }} giving one when the node starts'), on: z.enum(['failed', 'error', 'always', 'transient']).optional(), backoff: z.object({ duration: z.union([z.number(), z.string()]), factor: z.number().optional(), max: z.union([z.number(), z.string()]).optional(), maxDuration: z.union([z.number(), z.string()]).optional() }).optional() }), z.literal('inherit')]).optional().describe('a composite: when it fails, it runs again whole from its start, up to limit more times; inherit: under the retry its place gives'),
  timeout: z.union([z.number().positive(), z.string()]).optional().describe('seconds, or a duration (30s, 2m, 1h30m); or text with {{ references }} giving one, resolved when the step starts'),
  outputs: outputsSchema.optional(),
  dependsOn: z.array(z.union([z.string(), z.object({ node: z.string(), on: z.union([z.string(), z.array(z.string())]) })])).optional().describe('inside a graph: the nodes this one waits for, or { node, on: outcome }'),
  depends: z.string().optional().describe('inside a graph: an expression over sibling outcomes, "a && (b.Failed || c.Skipped)"'),
  continueOn: z.object({ failed: z.boolean().optional(), error: z.boolean().optional() }).optional(),
  onExit: FlowNode.optional().describe('an exit handler: runs once this node has ended, reading exit'),
  task: taskSchema.optional(),
  pod: z.object({ name: z.string().optional(), flow: FlowNode, channels: z.object({ scratch: z.enum(['memory', 'disk']).optional(), scratchSize: z.string().optional(), ipc: z.array(z.string()).optional() }).optional(), outputs: z.object({ parameters: z.record(z.string(), z.string()).optional() }).optional().describe('the pod\'s own output parameters: name -> a template over its containers\' outputs'), resources: resourcesSchema.optional() }).optional(),
  sequence: z.array(FlowNode).optional(),
  graph: z.object({ traversal: z.enum(['dfs', 'bfs', 'dependency']).optional(), maxParallel: z.number().int().min(1).optional(), failFast: z.boolean().optional(), targets: z.union([z.array(z.string()), z.record(z.string(), z.unknown())]).optional().describe('node names, or json-logic giving them (a list, or text separated by spaces or commas) when the graph starts'), nodes: z.record(z.string(), FlowNode) }).optional(),
  fanOut: z.object({ over: z.union([z.array(z.unknown()), logic]), as: z.string().optional(), concurrency: z.number().int().min(1).optional(), failFast: z.boolean().optional(), results: z.literal('succeeded').optional().describe('the result lists only the items that succeeded'), empty: z.literal('skipped').optional().describe('over an empty list the fan-out ends skipped (Argo), not succeeded with []'), do: FlowNode }).optional(),
  fanIn: z.object({ from: z.string(), do: FlowNode }).optional(),
  cycle: z.object({ ring: z.array(FlowNode), rounds: z.number().int().min(1).optional(), until: logic.optional(), window: z.object({ size: z.number().int().min(1).optional(), ms: z.number().int().min(1).optional() }).optional(), source: z.string().optional() }).optional(),
  use: z.string().optional().describe('name@version of a registered flow'),
  with: z.record(z.string(), z.unknown()).optional(),
  inputs: useInputsSchema.optional().describe('a use node: the unit\'s declared inputs, each "step:output"'),
  generate: taskSchema.optional().describe('a step whose result.json is a Dataset; its generated flow runs here'),
}).meta({ id: 'FlowNode' }));

export const DOCUMENTS = {
  Flow: z.object({ ...header('Flow'), spec: z.object({ params: z.record(z.string(), z.unknown()).optional(), root: FlowNode, onExit: FlowNode.optional(), inputs: unitInputsSchema.optional(), outputs: unitOutputsSchema.optional(), parallelism: z.number().int().min(1).optional(), deadline: z.union([z.number().gt(0).max(604800), z.string()]).optional() }) }),
  Dataset: z.object({ ...header('Dataset'), spec: datasetSpecSchema }),
  Rule: z.object({ ...header('Rule'), spec: ruleSpecSchema.extend({ when: logic, emit: z.union([z.object({ generator: z.string(), with: z.record(z.string(), z.unknown()).optional() }), FlowNode]) }) }),
  Schedule: z.object({ ...header('Schedule'), spec: scheduleSpecSchema }),
  Hook: z.object({ ...header('Hook'), spec: hookSpecSchema }),
} as const;

export type DocumentKind = keyof typeof DOCUMENTS;

/** A document kind's JSON Schema (draft 2020-12), nested definitions under `$defs`. */
export function documentJsonSchema(kind: DocumentKind): Record<string, unknown> {
  return { $id: `/schemas/${kind}.json`, ...(z.toJSONSchema(DOCUMENTS[kind], { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>) };
}
