/**
 * `{{ inputs.NAME }}` is the path where a step's input NAME is, which only the runtime knows
 * (each puts inputs in its own place), and `{{ run.id }}`, `{{ run.step }}`, `{{ run.pod }}`
 * name the run and the pod, which the pure engine does not know. The engine writes a
 * placeholder holding NUL, a character no substituted value may hold (substitute.ts
 * refuses it), and the runtime replaces it just before the program starts.
 */
import type { RunTask } from './types.ts';

const MARK = '\0strata-input:';
const RUN_MARK = '\0strata-run:';

/** What `{{ run.* }}` names: the run's id, the step's id, the name of the pod it runs in. */
export interface RunNames {
  id: string;
  step: string;
  pod: string;
}

/** The placeholder of `{{ run.FIELD }}`. */
export function runPlaceholder(field: string): string {
  return `${RUN_MARK}${field}\0`;
}

/** The placeholder of input `name`. */
export function inputPlaceholder(name: string): string {
  return `${MARK}${name}\0`;
}

/** `task` with every input placeholder replaced by `pathOf(name)`, and every run placeholder by `run`'s field. */
export function placeInputs(task: RunTask, pathOf: (name: string) => string, run: RunNames): RunTask {
  const fill = (s: string): string => {
    if (s.includes(MARK)) s = s.replace(/\0strata-input:([^\0]*)\0/g, (_m, name: string) => pathOf(name));
    if (s.includes(RUN_MARK)) s = s.replace(/\0strata-run:([^\0]*)\0/g, (_m, field: string) => run[field as keyof RunNames] ?? '');
    return s;
  };
  const out: RunTask = { ...task, image: fill(task.image) };
  if (task.command) out.command = task.command.map(fill);
  if (task.args) out.args = task.args.map(fill);
  if (task.env) out.env = Object.fromEntries(Object.entries(task.env).map(([k, v]) => [k, fill(v)]));
  if (task.workingDir !== undefined) out.workingDir = fill(task.workingDir);
  return out;
}
