/**
 * Kubernetes names and label values for strata objects. Step ids hold `/`, `#` and `*`,
 * which names and labels reject, so they are folded to what Kubernetes accepts and,
 * where that loses information or length, made unique again with a short hash. The
 * exact ids travel in annotations (see labels.ts).
 */

/** FNV-1a, 32 bits, as 8 hex digits: stable across processes and versions, no crypto needed. */
export function shortHash(s: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(16).padStart(8, '0');
}

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

/** A label value (at most 63 of `A-Za-z0-9-_.`, alphanumeric at both ends); `s` itself when valid. */
export function labelValue(s: string): string {
  if (s === '' || (s.length <= 63 && /^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/.test(s))) return s;
  const hash = shortHash(s);
  const head = s.replace(/[^A-Za-z0-9_.-]+/g, '-').slice(0, 63 - hash.length - 1).replace(/^[^A-Za-z0-9]+|[^A-Za-z0-9]+$/g, '');
  return head ? `${head}-${hash}` : hash;
}

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
