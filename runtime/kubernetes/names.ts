/**
 * Kubernetes names and label values for strata objects. Step ids hold `/`, `#` and `*`,
 * which names and labels reject, so they are folded to what Kubernetes accepts and,
 * where that loses information or length, made unique again with a short hash. The
 * exact ids travel in annotations (see labels.ts).
 */
import { shortHash } from '../../src/flow/short-hash.ts';
import { labelValueOf } from '../../src/flow/labels.ts';

export { shortHash };

/** Lower-case letters, digits and `-`, no leading or trailing `-`, at most `max` characters. */
export function slug(s: string, max: number): string {
  const folded = s.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '');
  return folded.slice(0, max).replace(/-+$/g, '');
}

/** A DNS-1123 label (at most 63 characters) for `s`; `s` itself when it already is one. */
export function dnsLabel(s: string, max = 63): string {
  if (s.length <= max && /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(s)) return s;
  const hash = shortHash(s);
  const head = slug(s, max - hash.length - 1);
  return head ? `${head}-${hash}` : `x-${hash}`;
}

/** A label value for `s` (the one label rule, src/flow/labels.ts); `s` itself when it is one. */
export const labelValue = labelValueOf;

/**
 * The name of the pod of one attempt of one step of one run. Deterministic, so a worker
 * that runs the same attempt again (a stalled job) finds the pod already there and adopts
 * it instead of starting a second one.
 */
export function podName(runId: string, step: string, attempt: number): string {
  const hash = shortHash(`${runId}\u0000${step}`);
  const run = slug(runId, 16) || 'run';
  const stepPart = slug(step, 24) || 'main';
  return `strata-${run}-${stepPart}-${hash}-${attempt}`;
}
