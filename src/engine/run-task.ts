/**
 * A plan's task as the runtime runs it (RunTask): artifact names listed. Substitution of
 * `{{ references }}` and computed values lands here (docs/flow-language.md, Argo-grade
 * features); until it does, validation admits only plain strings, which pass unchanged.
 */
import type { Computed, TaskSpec } from '../flow/types.ts';
import { artifactNames } from '../flow/task-parts.ts';
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
  return out;
}

/** A task's image as text for the run's records (a computed image as its expression). */
export function imageText(image: Computed): string {
  return typeof image === 'string' ? image : JSON.stringify(image);
}
