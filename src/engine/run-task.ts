/**
 * A plan's task as the runtime runs it (RunTask): artifact names listed. Substitution of
 * `{{ references }}` and computed values lands here (docs/flow-language.md, Argo-grade
 * features); until it does, validation admits only plain strings, which pass unchanged.
 */
import type { Computed, TaskSpec } from '../flow/types.ts';
import { artifactNames, artifactsOf, optionalArtifactNames, parametersOf } from '../flow/task-parts.ts';
import type { RunTask } from './types.ts';

/** The parts of a task about files (outputs at paths, parameters, inputs at paths, volumes), as a RunTask lists them. */
export function withFiles(out: RunTask, task: TaskSpec, outputs: TaskSpec['outputs'] = task.outputs): RunTask {
  const parameters = parametersOf(outputs);
  if (Object.keys(parameters).length > 0) out.parameters = parameters;
  const atPaths = artifactsOf(outputs).flatMap((a) => (typeof a !== 'string' && a.path !== undefined ? [{ name: a.name, path: a.path }] : []));
  if (atPaths.length > 0) out.artifactPaths = atPaths;
  const optional = optionalArtifactNames(outputs);
  if (optional.length > 0) out.optionalOutputs = optional;
  const inputPaths = Object.entries(task.inputs ?? {}).flatMap(([name, s]) => (typeof s !== 'string' && s.path ? [{ name, path: s.path, ...(s.optional ? { optional: true as const } : {}) }] : []));
  if (inputPaths.length > 0) out.inputPaths = inputPaths;
  if (task.volumes) out.volumes = task.volumes.map((v) => (typeof v === 'string' ? { path: v } : v));
  return out;
}
