/**
 * A pod's inside run on this machine the way it runs in Kubernetes: the real Quarterback
 * with the gate driver, and every slot container a real `entrypoint.sh` process, all
 * sharing a real temp directory as their gate, scratch and work volumes.
 */
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PodRequest } from '../../../../runtime/pod-runtime.ts';
import { planSlots, type SlotLayout } from '../../../../runtime/kubernetes/slot-layout.ts';
import { FileGateDriver } from '../../../../sidecar/entrypoint/file-gate-driver.ts';
import type { MicroPlan } from '../../../../runtime/quarterback/micro-plan.ts';
import type { DoneMessage, QuarterbackMessage, StepMessage } from '../../../../runtime/quarterback/protocol.ts';
import { Quarterback } from '../../../../sidecar/quarterback.ts';
import { SlotProcesses } from './slot-processes.ts';

export interface GatePod {
  root: string;
  gate: string;
  layout: SlotLayout;
  slots: SlotProcesses;
  driver: FileGateDriver;
  qb: Quarterback;
  plan: MicroPlan;
  messages: QuarterbackMessage[];
  /** run to the end: the quarterback's outcome, then `stop` and every slot gone */
  finish(): Promise<DoneMessage>;
  /** statuses each step went through, in order */
  statuses(): Record<string, string[]>;
  last(step: string): StepMessage | undefined;
  cleanup(): Promise<void>;
}

export async function gatePod(pod: NonNullable<PodRequest['pod']>): Promise<GatePod> {
  const root = await mkdtemp(join(tmpdir(), 'strata-gate-'));
  const dirs = { gate: join(root, 'gate'), scratch: join(root, 'scratch'), ipc: join(root, 'ipc'), work: join(root, 'work'), artifacts: join(root, 'artifacts'), outputs: join(root, 'outputs') };
  await Promise.all(Object.values(dirs).map((d) => mkdir(d, { recursive: true })));
  const layout = planSlots(pod.body);
  const slots = new SlotProcesses(dirs.gate, layout);
  await slots.startAll();
  const plan: MicroPlan = {
    runId: 'r1', step: 'p', attempt: 1, pod,
    artifactsDir: dirs.artifacts, outputsDir: dirs.outputs, scratchDir: dirs.scratch, ipcDir: dirs.ipc, workDir: dirs.work,
    env: {}, control: 'none', killGraceMs: 2000,
  };
  const driver = new FileGateDriver({ gate: dirs.gate, layout, podStep: 'p', switcher: slots.switcher(), rescanMs: 200 });
  const messages: QuarterbackMessage[] = [];
  const qb = new Quarterback({ plan, driver, send: (m) => messages.push(m), hostEnv: {} });
  const steps = () => messages.filter((m): m is StepMessage => m.type === 'step');
  return {
    root, gate: dirs.gate, layout, slots, driver, qb, plan, messages,
    async finish() {
      const done = await qb.run();
      await driver.stop(done.status);
      await slots.allExited();
      driver.close();
      return done;
    },
    statuses() {
      const out: Record<string, string[]> = {};
      for (const m of steps()) (out[m.step] ??= []).push(m.status);
      return out;
    },
    last: (step) => steps().filter((m) => m.step === step).pop(),
    async cleanup() {
      slots.killAll();
      driver.close();
      await rm(root, { recursive: true, force: true });
    },
  };
}
