/**
 * Schemas of a task's files beyond its container (docs/flow-language.md, Outputs and A
 * private file system view): outputs as artifacts and named parameters, inputs at a path,
 * and the paths each container sees as its own. Paths inside the container are absolute,
 * without `.` or `..` segments, and never `/` itself.
 */
import { z } from 'zod';
import { INPUT_REF } from './task-schema-refs.ts';
import { computed } from './computed-schema.ts';

export const FILE_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/;
const fileName = z.string().regex(FILE_NAME, 'must be a plain file name');
// As an Argo parameter's name (letters, digits, `_`, `-`, `.`, any first): only a key, never a path.
const PARAM_NAME = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,62}$/;

/**
 * Where a Kubernetes pod of strata keeps its own tools, gate, scratch and files in every
 * container (runtime/kubernetes/pod-layout.ts PATHS): no task path may be there, on either
 * runtime, so a flow runs the same on both (a mount at /strata/tools took a slot container's
 * entrypoint away; one at /strata/scratch is a mount path given twice, which Kubernetes refuses).
 */
export const STRATA_POD_DIR = '/strata';

/** An absolute path in the container's view: `/workspace/out`, not `/`, `/a/../b`, `relative` or under STRATA_POD_DIR. */
export const containerPath = z
  .string()
  .max(4096)
  .refine((p) => p.startsWith('/') && p !== '/' && !p.endsWith('/') && p.split('/').slice(1).every((s) => s !== '' && s !== '.' && s !== '..'), {
    message: 'must be an absolute path such as /workspace/out (no "." or ".." segments, not / itself)',
  })
  .refine((p) => p !== STRATA_POD_DIR && !p.startsWith(`${STRATA_POD_DIR}/`), {
    message: `must be outside ${STRATA_POD_DIR}, where strata's pods keep their tools, gate and scratch in every container (docs/kubernetes.md)`,
  });

/** A file's path in the view: its directory is made private, so it is not directly under `/`. */
const filePath = containerPath.refine((p) => p.lastIndexOf('/') > 0, { message: 'must be inside a directory (/workspace/out, not /out): its directory becomes the container\'s own' });

/** What is wrong with `p` as a directory path of a container (a volume's), the sentence after "must", or undefined. */
export function containerPathProblem(p: string): string | undefined {
  const r = containerPath.safeParse(p);
  return r.success ? undefined : r.error.issues[0]?.message;
}

/** What is wrong with `p` as a task's input or output file path (the sentence after "must"), or undefined. */
export function filePathProblem(p: string): string | undefined {
  const r = filePath.safeParse(p);
  return r.success ? undefined : r.error.issues[0]?.message;
}

const artifactSpec = z.union([fileName, z.strictObject({ name: fileName, path: filePath.optional(), optional: z.boolean().optional() })], {
  error: 'must be a file name, or { name, path, optional } (path: an absolute path; optional: true when the step may end well without writing it)',
});
const parameterSpec = z.strictObject({
  path: z.union([fileName, filePath], { error: 'must be a file name in STRATA_OUTPUTS or an absolute path inside a directory' }),
  default: z.custom<unknown>((v) => v !== undefined).optional(),
  /** true: the file as written less one trailing newline (as Argo reads an output parameter); absent: trimmed */
  text: z.boolean().optional(),
});

/** `outputs`: a list of artifact names, or `{ artifacts, parameters }`. */
export const outputsSchema = z.union(
  [
    z.array(fileName).max(256),
    z.strictObject({
      artifacts: z.array(artifactSpec).max(256).optional(),
      parameters: z.record(z.string().regex(PARAM_NAME, 'must be a parameter name (letters, digits, "_", "-", ".")'), parameterSpec).optional(),
    }),
  ],
  { error: 'must be a list of output file names, or { artifacts, parameters }' },
);

const inputRef = z.string().regex(INPUT_REF, 'must be "step:output": a step path (step ids joined by "/", optionally after ./ or ../; "*" for every item of a fan-out) and an output name');

/**
 * An input: `"step:output"`, or `{ from, path, optional }` to put it at a path of the
 * container's view; `optional: true`, the step runs without it when its step wrote none.
 */
export const inputSpec = z.union([inputRef, z.strictObject({ from: inputRef, path: filePath.optional(), optional: z.boolean().optional() })], { error: 'must be "step:output", or { from: "step:output", path, optional }' });

/** The most `volumes` a task may declare. */
export const MAX_VOLUMES = 64;

/** `volumes`: paths each container sees as its own, or the pod's scratch at a fixed path. */
export const volumesSchema = z
  .array(z.union([containerPath, z.strictObject({ path: containerPath, from: z.literal('scratch').optional() })], { error: 'must be an absolute path, or { path, from: scratch }' }))
  .max(MAX_VOLUMES);

/** A unit's declared inputs (artifact names) and outputs (`spec.inputs`, `spec.outputs`). */
export const unitInputsSchema = z.array(fileName).max(256);
export const unitOutputsSchema = z.strictObject({
  artifacts: z.record(fileName, z.string().regex(INPUT_REF, 'must be "step:output": a step of this flow (its path from the root) and the output it gives')).optional(),
  /** text with references, or json-logic giving it (as a task's fields), resolved when the unit ends */
  parameters: z.record(z.string().regex(PARAM_NAME, 'must be a parameter name (letters, digits, "_", "-", ".")'), computed(65536)).optional(),
});

/** A `use` node's `inputs`: the unit's declared inputs, each from a step of the caller. */
export const useInputsSchema = z.record(fileName, inputRef);
