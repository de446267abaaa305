/**
 * A plan's task as the runtime runs it (RunTask): artifact names listed. Substitution of
 * `{{ references }}` and computed values lands here (docs/flow-language.md, Argo-grade
 * features); until it does, validation admits only plain strings, which pass unchanged.
 */
import type { Computed, TaskSpec } from '../flow/types.ts';
import { artifactNames, artifactsOf, parametersOf } from '../flow/task-parts.ts';
import type { RunTask } from './types.ts';

/** The RunTask of a plan's task. */
export function runTaskOf(task: TaskSpec): RunTask {
  const text = (v: Computed): string => (typeof v === 'string' ? v : JSON.stringify(v));
  const out: RunTask = { image: text(task.image) };
  if (task.command) out.command = task.command.map(text);
  if (task.args) out.args = task.args.map(text);
  if (task.env) out.env = Object.fromEntries(Object.entries(task.env).map(([k, v]) => [k, text(v)]));
  if (task.workingDir !== undefined) out.workingDir = text(task.workingDir);
  if (task.resources) out.resources = task.resources;
  if (task.outputs) out.outputs = artifactNames(task.outputs);
  if (task.result === 'stdout') out.result = 'stdout';
  return withFiles(out, task);
}

/** The parts of a task about files (outputs at paths, parameters, inputs at paths, volumes), as a RunTask lists them. */
export function withFiles(out: RunTask, task: TaskSpec, outputs: TaskSpec['outputs'] = task.outputs): RunTask {
  const parameters = parametersOf(outputs);
  if (Object.keys(parameters).length > 0) out.parameters = parameters;
  const atPaths = artifactsOf(outputs).filter((a): a is { name: string; path: string } => typeof a !== 'string');
  if (atPaths.length > 0) out.artifactPaths = atPaths;
  const inputPaths = Object.entries(task.inputs ?? {}).flatMap(([name, s]) => (typeof s !== 'string' && s.path ? [{ name, path: s.path }] : []));
  if (inputPaths.length > 0) out.inputPaths = inputPaths;
  if (task.volumes) out.volumes = task.volumes.map((v) => (typeof v === 'string' ? { path: v } : v));
  return out;
}
