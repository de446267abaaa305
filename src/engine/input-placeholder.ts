/**
 * `{{ inputs.NAME }}` is the path where a step's input NAME is, which only the runtime knows
 * (each puts inputs in its own place). The engine writes a placeholder holding NUL, a
 * character no substituted value may hold (substitute.ts refuses it), and the runtime
 * replaces it with the path just before the program starts.
 */
import type { RunTask } from './types.ts';

const MARK = '\0strata-input:';

/** The placeholder of input `name`. */
export function inputPlaceholder(name: string): string {
  return `${MARK}${name}\0`;
}

/** `task` with every input placeholder replaced by `pathOf(name)`. */
export function placeInputs(task: RunTask, pathOf: (name: string) => string): RunTask {
  const fill = (s: string): string => (s.includes(MARK) ? s.replace(/\0strata-input:([^\0]*)\0/g, (_m, name: string) => pathOf(name)) : s);
  const out: RunTask = { ...task, image: fill(task.image) };
  if (task.command) out.command = task.command.map(fill);
  if (task.args) out.args = task.args.map(fill);
  if (task.env) out.env = Object.fromEntries(Object.entries(task.env).map(([k, v]) => [k, fill(v)]));
  if (task.workingDir !== undefined) out.workingDir = fill(task.workingDir);
  return out;
}
