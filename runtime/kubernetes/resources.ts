/** A task's `resources` (DESIGN.md section 3) as Kubernetes resource requirements. */
import type { V1ResourceRequirements } from '@kubernetes/client-node';
import type { Resources } from '../../src/flow/types.ts';

/**
 * `cpu`/`memory` are requests; `limits` are limits, extended resources (`nvidia.com/gpu`)
 * among them, whose request Kubernetes sets to the limit. Absent fields stay absent.
 */
export function toRequirements(r: Resources | undefined): V1ResourceRequirements | undefined {
  if (!r) return undefined;
  const requests = pick({ cpu: r.cpu, memory: r.memory });
  const limits = pick({ ...r.limits });
  if (!requests && !limits) return undefined;
  return { ...(requests ? { requests } : {}), ...(limits ? { limits } : {}) };
}

function pick(o: Record<string, string | undefined>): Record<string, string> | undefined {
  const out = Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Record<string, string>;
  return Object.keys(out).length > 0 ? out : undefined;
}
