/**
 * A Flow resource is registered as if POSTed to /v1/flows, at the version its spec names.
 * Registered flows are immutable per version and runs may use them, so deleting the
 * resource leaves strata's copy alone, and changing a spec without a new version is
 * reported Invalid (strata refuses it as a conflict).
 */
import { deleting, messageOf, refused, type Reconciler } from './actions.ts';
import { flowDocument } from './documents.ts';

export const reconcileFlow: Reconciler = async (r, port) => {
  if (deleting(r)) return {};
  const generation = r.metadata.generation;
  if (r.status?.observedGeneration === generation) return {};
  try {
    const { ref } = await port.registerFlow(flowDocument(r));
    return { status: { phase: 'Registered', ref, observedGeneration: generation, message: '' } };
  } catch (e) {
    if (!refused(e)) throw e; // a fault that may pass: tried again later
    return { status: { phase: 'Invalid', observedGeneration: generation, message: messageOf(e) } };
  }
};
