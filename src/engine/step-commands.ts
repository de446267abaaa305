/**
 * The commands a step becomes: its status as it is now, and a leaf attempt's start with
 * its inputs and templates resolved. Pure functions of the activation, so the engine's
 * lifecycle (engine-core.ts) stays apart from the commands' shapes.
 */
import type { InputSpec } from '../flow/types.ts';
import { artifactNames } from '../flow/task-parts.ts';
import type { GenerateNode, PlanNode } from '../plan/plan-node.ts';
import type { Act } from './act.ts';
import { envOf } from './pod-scope.ts';
import { imageText } from '../flow/task-parts.ts';
import { withFiles } from './run-task.ts';
import { secondsOf } from './deadline.ts';
import { resolveTask, withDefaultsResolved, type SubstitutionData } from './substitute.ts';
import type { InputRef, StartCommand, StatusCommand } from './types.ts';

/** The status command of `act` as it is now, with `error` and the `image` its first attempt starts with. */
export function statusCommandOf(act: Act, error?: string, image?: string): StatusCommand {
  const starting = act.status === 'running' && act.attempt <= 1;
  const node = act.node;
  return {
    type: 'status', step: act.id, status: act.status,
    ...(act.attempt > 0 ? { attempt: act.attempt } : {}),
    ...(act.status === 'succeeded' ? { result: act.result ?? null } : {}),
    // A failed leaf's outputs, when its program gave any (Argo keeps a Failed node's outputs).
    ...(act.status === 'failed' && act.result !== undefined ? { result: act.result } : {}),
    ...((act.status === 'succeeded' || act.status === 'failed') && act.parameters ? { parameters: act.parameters } : {}),
    ...(error ? { error } : {}),
    ...(act.exitCode !== undefined && act.exitCode !== null && act.status !== 'running' ? { exitCode: act.exitCode } : {}),
    ...(act.status === 'failed' && act.reason ? { reason: act.reason } : {}),
    ...(starting && (node.kind === 'task' || node.kind === 'generate') ? { image: image ?? imageText(node.task.image) } : {}),
    ...(starting && act.parent?.node.kind === 'fanOut' && act.scope.item !== undefined ? { item: act.scope.item } : {}),
  };
}

/** What a start command needs beyond the activation. */
export interface StartContext {
  /** a dry run knows no results: it lists starts, so its start commands carry only the step, attempt, kind and inputs */
  dryRun?: boolean;
  inputsOf(inputs: Record<string, InputSpec> | undefined, act: Act): Record<string, InputRef>;
  substitution(act: Act): SubstitutionData;
}

/** No inputs, no data: one frozen object for the dry run's starts, which are listed and never read. */
const NONE = Object.freeze({});

/** The start command of a leaf's current attempt. Throws when a template cannot resolve (the step then fails, saying which). */
export function startCommandOf(act: Act, ctx: StartContext): StartCommand {
  const node = act.node as Extract<PlanNode, { kind: 'task' | 'pod' | 'generate' }>;
  // A dry run lists starts: their task and full environment are never read, and building
  // them was a fifth of the dry run of a million steps. Inputs are still resolved: one
  // that cannot be fails the step, in the dry run as in the run.
  if (ctx.dryRun) return { type: 'start', step: act.id, attempt: act.attempt, kind: node.kind, inputs: node.kind === 'pod' || !node.task.inputs ? NONE : ctx.inputsOf(node.task.inputs, act), env: { params: act.scope.params, unit: act.scope.unitId }, data: act.scope.data ?? NONE };
  const cmd: StartCommand = {
    type: 'start', step: act.id, attempt: act.attempt, kind: node.kind,
    inputs: node.kind === 'pod' ? {} : ctx.inputsOf((node as GenerateNode).task.inputs, act),
    env: envOf(act.scope),
    data: act.scope.data ?? {},
    // A computed timeout is each attempt's, resolved as it starts (a value that is no duration fails the step, named).
    ...(node.timeout !== undefined ? { timeout: secondsOf(node.timeout, 'timeout', () => ctx.substitution(act)) } : {}),
  };
  if (node.kind === 'pod') cmd.pod = { name: node.pod.name, channels: node.pod.channels, body: node.body, ...(node.pod.gives ? { gives: node.pod.gives } : {}), ...(node.pod.exitCode !== undefined ? { exitCode: node.pod.exitCode } : {}) };
  else cmd.task = resolveTask(node.task, ctx.substitution(act));
  if (act.resumes) cmd.resume = true;
  if (act.replaces) cmd.replaces = true;
  const outputs = node.kind === 'pod' ? node.outputs : (node.outputs ?? node.task.outputs);
  if (outputs) cmd.outputs = artifactNames(outputs);
  // A node's own `outputs` stands for its task's (artifacts and parameters alike).
  if (cmd.task && node.kind !== 'pod' && node.outputs !== undefined) cmd.task = withFiles({ ...cmd.task, outputs: artifactNames(node.outputs) }, node.task, node.outputs);
  if (cmd.task) cmd.task = withDefaultsResolved(cmd.task, ctx.substitution(act));
  return cmd;
}
