/** The BullMQ job of one macro step attempt, and its id (run|step|attempt: enqueuing twice adds it once). */
import type { StartCommand } from '../engine/types.ts';

export interface StepJobData {
  runId: string;
  cmd: StartCommand;
}

export const STEP_QUEUE = 'steps';

export function stepJobId(runId: string, step: string, attempt: number): string {
  return `${runId}|${step}|${attempt}`;
}
