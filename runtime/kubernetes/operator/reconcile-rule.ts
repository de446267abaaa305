/**
 * A Rule resource is registered as if POSTed to /v1/rules, again whenever its spec changes
 * (a new generation), and removed from strata when the resource is deleted (the
 * finalizer holds the resource until then). Status: Registered or Invalid, with why.
 */
import { deleting, hasFinalizer, messageOf, refused, withFinalizer, withoutFinalizer, type Reconciler } from './actions.ts';
import { ruleDocument } from './documents.ts';

export const reconcileRule: Reconciler = async (r, port) => {
  if (deleting(r)) {
    if (!hasFinalizer(r)) return {};
    await port.removeRule(r.metadata.name);
    return { finalizers: withoutFinalizer(r) };
  }
  if (!hasFinalizer(r)) return { finalizers: withFinalizer(r) };
  const generation = r.metadata.generation;
  if (r.status?.observedGeneration === generation) return {};
  try {
    await port.registerRule(ruleDocument(r));
    return { status: { phase: 'Registered', observedGeneration: generation, message: '' } };
  } catch (e) {
    if (!refused(e)) throw e; // a fault that may pass: tried again later
    return { status: { phase: 'Invalid', observedGeneration: generation, message: messageOf(e) } };
  }
};
