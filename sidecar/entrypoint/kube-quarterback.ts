/**
 * The quarterback in a Kubernetes pod: the same Quarterback class as on the local runtime,
 * with the gate driver for its containers and the report annotation for the worker. Its
 * configuration is what the pod builder put in its environment (runtime/kubernetes/pod-layout.ts):
 * the micro plan and the slot layout as files of its pod's ConfigMap (mounted at
 * /strata/podinfo), the gate
 * directory, and the pod's own name and namespace.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ANNOTATIONS, ENV } from '../../runtime/kubernetes/pod-layout.ts';
import { decodeGrant, decodeReport, type Grant, type ReportDoc } from '../../runtime/kubernetes/report-protocol.ts';
import type { SlotLayout } from '../../runtime/kubernetes/slot-layout.ts';
import { readMicroPlan } from '../../runtime/quarterback/micro-plan.ts';
import type { QuarterbackMessage } from '../../runtime/quarterback/protocol.ts';
import { Quarterback } from '../quarterback.ts';
import { AnnotationReporter } from './annotation-reporter.ts';
import { FileGateDriver } from './file-gate-driver.ts';
import { GATE_FILES } from './gate-protocol.ts';
import { podImageSwitcher, waitForAccess, type OwnPod } from './own-pod.ts';

export interface KubeQuarterbackOptions {
  env: Record<string, string | undefined>;
  pod: OwnPod;
  /** aborting cancels the pod's steps (the pod is being deleted) */
  signal: AbortSignal;
  /** human-readable progress, one line each (the container's log) */
  log: (line: string) => void;
  /** how often its own pod is read for the run's answer while an ask for steps is open (GRANT_POLL_MS) */
  grantPollMs?: number;
}

/** Milliseconds between reads of its own pod while an ask for steps is open (the quarterback may get its pod, not watch it). */
export const GRANT_POLL_MS = 250;

/**
 * The run's answers to the quarterback's asks for steps (log version 8): the worker writes
 * each on the pod (`strata.dev/grant`), which is read while an ask is open; each answer is
 * told once, in the order asked.
 */
class GrantReader {
  private asking = 0;
  private answered = 0;
  private reading = false;

  constructor(private readonly pod: OwnPod, private readonly signal: AbortSignal, private readonly told: (g: Grant) => void, private readonly everyMs = GRANT_POLL_MS) {}

  /** The quarterback asked for `steps` in all: read the pod until that is answered. */
  asked(steps: number): void {
    this.asking = Math.max(this.asking, steps);
    if (!this.reading) void this.read();
  }

  private async read(): Promise<void> {
    this.reading = true;
    try {
      while (this.answered < this.asking && !this.signal.aborted) {
        await new Promise((r) => setTimeout(r, this.everyMs));
        const pod = await this.pod.get().catch(() => undefined);
        const g = decodeGrant(pod?.metadata?.annotations?.[ANNOTATIONS.grant]);
        if (g && g.asked > this.answered) {
          this.answered = g.asked;
          this.told(g);
        }
      }
    } finally {
      this.reading = false;
    }
  }
}

/**
 * Run the pod's micro plan to its end, then stay up until the pod ends (`signal`): a native
 * sidecar that exits is started again by the kubelet. One that starts again after it
 * finished (or finds the gate stopped) runs nothing. Exit code: 0 succeeded, 1 failed or
 * cancelled, 2 could not start.
 */
export async function runKubeQuarterback(o: KubeQuarterbackOptions): Promise<number> {
  const need = (k: string) => {
    const v = o.env[k];
    if (!v) throw new Error(`${k} is not set (the pod builder sets it)`);
    return v;
  };
  let plan;
  let layout: SlotLayout;
  let previous: ReportDoc | undefined;
  try {
    plan = await readMicroPlan(need(ENV.planFile));
    layout = JSON.parse(await readFile(need(ENV.slotsFile), 'utf8')) as SlotLayout;
    const self = await waitForAccess(o.pod);
    previous = decodeReport(self.metadata?.annotations?.[ANNOTATIONS.report]);
  } catch (e) {
    o.log(`quarterback: cannot start: ${(e as Error).message}`);
    return 2;
  }
  if (previous?.done || existsSync(join(need(ENV.gate), GATE_FILES.stop))) {
    o.log('quarterback: this pod has finished already; waiting for it to end');
    await untilAborted(o.signal);
    return previous?.done?.ok ? 0 : 1;
  }
  const reporter = new AnnotationReporter(o.pod, { initial: previous, outputsDir: plan.outputsDir, onError: (e) => o.log(`quarterback: a report could not be written: ${e.message}`) });
  const driver = new FileGateDriver({ gate: need(ENV.gate), layout, podStep: plan.step, switcher: podImageSwitcher(o.pod), ...(plan.imageMap ? { imageMap: plan.imageMap } : {}), ...(plan.ownDir ? { ownDir: plan.ownDir } : {}) });
  const grants = new GrantReader(o.pod, o.signal, (g) => qb.grant(g.asked, g.steps), o.grantPollMs);
  const send = (m: QuarterbackMessage) => {
    reporter.push(m);
    if (m.type === 'step') o.log(`step ${m.step} ${m.status}${m.attempt ? ` (attempt ${m.attempt})` : ''}${m.error ? `: ${m.error}` : ''}`);
    if (m.type === 'ask') grants.asked(m.steps);
  };
  // Containers start from nothing of the quarterback's own environment: their images own PATH and the rest.
  const qb = new Quarterback({ plan, driver, send, hostEnv: {} });
  // The pod is being deleted: by the run's cancel or by someone else, which only the worker knows.
  const onAbort = () => qb.cancel(String(o.signal.reason ?? 'the pod is being deleted'), { outside: true });
  if (o.signal.aborted) onAbort();
  else o.signal.addEventListener('abort', onAbort, { once: true });
  const done = await qb.run();
  o.log(`pod ${plan.step} ${done.status}${done.error ? `: ${done.error}` : ''}`);
  // The outcome must be on the pod before the containers end (and the pod with them).
  await reporter.settled();
  await driver.stop(done.status);
  driver.close();
  await untilAborted(o.signal);
  return done.ok ? 0 : 1;
}

function untilAborted(signal: AbortSignal): Promise<void> {
  return signal.aborted ? Promise.resolve() : new Promise((r) => signal.addEventListener('abort', () => r(), { once: true }));
}
