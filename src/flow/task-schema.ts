/** Schemas of the leaf parts of the flow language (a task's container, metadata). */
import { z } from 'zod';
import { computed } from './computed-schema.ts';
import { inputSpec, outputsSchema, volumesSchema } from './task-io-schema.ts';
import { extendedQuantityProblem, isExtendedResourceName, unknownResource } from './resource-names.ts';
import { labelsSchema } from './labels.ts';

export const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$/;
export const REF_PATTERN = /^[a-z0-9]([a-z0-9.-]{0,62}[a-z0-9])?@[A-Za-z0-9][A-Za-z0-9._-]{0,31}$/;
export { INPUT_REF } from './task-schema-refs.ts';
export const NAME_PATTERN = /^[a-z0-9]([a-z0-9.-]{0,62}[a-z0-9])?$/;
export const VERSION_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,31}$/;

const quantity = z.union([z.string().regex(/^[0-9]+(\.[0-9]+)?(m|k|Ki|Mi|Gi|Ti|M|G|T)?$/, 'must be a quantity like 500m or 256Mi'), z.number().positive()]).transform(String);

/**
 * Limits: `cpu`, `memory`, and Kubernetes extended resources (`nvidia.com/gpu: 1`, a name
 * with a domain, whole units: resource-names.ts), whose request Kubernetes sets to the limit.
 */
const limitsSchema = z.record(z.string(), z.union([z.string(), z.number()])).superRefine((list, ctx) => {
  for (const [k, v] of Object.entries(list)) {
    const problem = k === 'cpu' || k === 'memory' ? (quantity.safeParse(v).success ? undefined : 'must be a quantity like 500m or 256Mi') : isExtendedResourceName(k) ? extendedQuantityProblem(String(v)) : unknownResource(k);
    if (problem) ctx.addIssue({ code: 'custom', path: [k], message: problem });
  }
}).transform((list) => Object.fromEntries(Object.entries(list).map(([k, v]) => [k, String(v)])) as { cpu?: string; memory?: string; [extended: string]: string | undefined });

export const resourcesSchema = z.strictObject({
  cpu: quantity.optional(),
  memory: quantity.optional(),
  limits: limitsSchema.optional(),
});

const envName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be an environment variable name');
const fileName = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/, 'must be a plain file name');


export const taskSchema = z.strictObject({
  image: computed(512, 1),
  command: z.array(computed(65536)).max(1024).optional(),
  args: z.array(computed(65536)).max(4096).optional(),
  env: z.record(envName, computed(65536)).optional(),
  workingDir: computed(4096).optional(),
  resources: resourcesSchema.optional(),
  result: z.enum(['file', 'stdout', 'text'], { message: 'must be file (result.json), stdout or text' }).optional(),
  inputs: z.record(fileName, inputSpec).optional(),
  outputs: outputsSchema.optional(),
  volumes: volumesSchema.optional(),
});

export const metadataSchema = z.strictObject({
  name: z.string().regex(NAME_PATTERN, 'must be lower-case letters, digits, "-" and "." (at most 64)'),
  // A number reaching here was parsed without its text (a JSON body): a whole number reads
  // the same either way, but 1.10 has already become 1.1, so it is refused, not guessed.
  version: z
    .union([z.string(), z.number().refine((n) => Number.isSafeInteger(n), { message: 'is a number with a fraction, and numbers lose digits (1.10 reads as 1.1): write the version as a string ("1.10")' })])
    .transform(String)
    .pipe(z.string().regex(VERSION_PATTERN, 'must be a version like 1 or 1.2.0'))
    .optional(),
  labels: labelsSchema.optional(),
  // Each value at most 4096 characters, but the records of LONG_ANNOTATIONS: bounded by the document they were made from.
  annotations: z
    .record(z.string().max(128), z.string())
    .superRefine((a, ctx) => {
      for (const [k, v] of Object.entries(a)) if (!LONG_ANNOTATIONS.has(k) && v.length > 4096) ctx.addIssue({ code: 'custom', path: [k], message: 'must be at most 4096 characters' });
    })
    .optional(),
});

/**
 * The annotation holding the document a flow was made from, as JSON: a WorkflowTemplate's
 * entry flow keeps its Argo document there, so that a Workflow's `workflowTemplateRef` can
 * join its own spec over the WorkflowTemplate's as Argo does (src/argo/import-argo.ts,
 * JoinWorkflowSpec).
 */
export const SOURCE_DOCUMENT = 'strata/source-document';

/** Annotation: JSON list of `{ volume, at }`, the Argo workflow volumes a flow's templates mount (src/argo/run-volumes.ts). */
export const ARGO_VOLUME_MOUNTS = 'strata/argo-volume-mounts';
/** Annotation: JSON list of the volume names a run of an Argo-made flow has, its spec.volumes (src/argo/run-volumes.ts). */
export const ARGO_VOLUMES = 'strata/argo-volumes';

/**
 * The annotations that may be longer than 4096 characters: a document, and records of what
 * it holds (an Argo Workflow may list hundreds of volumes), each bounded by the document it
 * was made from, which the document limits bound.
 */
const LONG_ANNOTATIONS = new Set([SOURCE_DOCUMENT, ARGO_VOLUME_MOUNTS, ARGO_VOLUMES]);
