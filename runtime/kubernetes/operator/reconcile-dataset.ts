/**
 * A Dataset resource goes through the rules and runs, as if POSTed to
 * /v1/datasets?run=true, once per generation (editing its spec runs it again, cancelling
 * the run before if it is still going). Its status follows the run: phase, run id and
 * step counts, looked at every poll interval until the run ends. Deleting the resource
 * cancels its run first (the finalizer holds the resource until then).
 */
import { codeOf, deleting, hasFinalizer, messageOf, refused, withFinalizer, withoutFinalizer, type Actions, type Reconciler } from './actions.ts';
import type { StrataResource } from './crd-names.ts';
import { datasetDocument } from './documents.ts';
import { datasetStatus, isTerminal } from './run-status.ts';
import type { StrataPort } from './strata-port.ts';

export const reconcileDataset: Reconciler = async (r, port) => {
  const status = r.status ?? {};
  const runId = typeof status.runId === 'string' ? status.runId : undefined;
  const active = runId !== undefined && !isTerminal(status.phase);
  // One in Error (the operator gave up following it) may have a run still going: cancelled as an active one's (an ended run's cancel is no error).
  const mayRun = active || (runId !== undefined && status.phase === 'Error');
  if (deleting(r)) {
    if (!hasFinalizer(r)) return {};
    if (mayRun) await cancel(port, runId);
    return { finalizers: withoutFinalizer(r) };
  }
  if (!hasFinalizer(r)) return { finalizers: withFinalizer(r) };
  const generation = r.metadata.generation;
  if (status.observedGeneration !== generation) {
    if (mayRun) await cancel(port, runId);
    return submit(r, port, generation);
  }
  if (!active) return {};
  const run = await port.getRun(runId);
  if (!run) return { status: { ...status, phase: 'Failed', message: `run ${runId} is not known to strata any more` } };
  const next = datasetStatus(runId, generation, run);
  const changed = JSON.stringify(pick(status)) !== JSON.stringify(pick(next as unknown as Record<string, unknown>));
  return { ...(changed ? { status: next as unknown as Record<string, unknown> } : {}), poll: !isTerminal(next.phase) };
};

async function submit(r: StrataResource, port: StrataPort, generation: number | undefined): Promise<Actions> {
  try {
    const { runId } = await port.submitDataset(datasetDocument(r), { key: `${r.metadata.uid}/${generation}` });
    return { status: { phase: 'Pending', runId, observedGeneration: generation, steps: null, message: '' }, poll: true };
  } catch (e) {
    if (!refused(e)) throw e; // a fault that may pass: tried again later
    return { status: { phase: 'Failed', runId: null, observedGeneration: generation, steps: null, message: messageOf(e) } };
  }
}

async function cancel(port: StrataPort, runId: string): Promise<void> {
  try {
    await port.cancelRun(runId);
  } catch (e) {
    if (codeOf(e) !== 'not_found' && codeOf(e) !== 'run_not_active') throw e;
  }
}

function pick(s: Record<string, unknown>): unknown[] {
  return [s.phase, s.runId, s.observedGeneration, s.steps, s.message ?? ''];
}
