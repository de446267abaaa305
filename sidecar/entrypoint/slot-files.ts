/**
 * What the gate driver (file-gate-driver.ts) tells a slot's step and the quarterback about
 * files beyond the step's dirs (docs/kubernetes.md, Private paths and standard output):
 * where a `result: stdout` step's standard output is kept, and where the quarterback sees
 * a slot's paths of its own (runtime/kubernetes/slot-layout.ts). Pure.
 */
import { join } from 'node:path';
import type { ContainerSpec } from '../../runtime/process/container-driver.ts';
import { ownSlotDir, type SlotPool } from '../../runtime/kubernetes/slot-layout.ts';
import { STDOUT_FILE } from '../../runtime/kubernetes/stdout-wrapper.ts';
import { privateDirs } from '../../runtime/local/private-view.ts';

/** The file a `result: stdout` step's standard output is kept in: in its STRATA_OUTPUTS, seen at the same path by every container. */
export function stdoutFileOf(spec: ContainerSpec): string {
  return join(spec.env.STRATA_OUTPUTS ?? '', STDOUT_FILE);
}

/** Whether every directory a task declares as its own is inside one its pool's slots mount. */
export function ownCovered(pool: SlotPool, task: ContainerSpec['task']): boolean {
  const own = pool.own ?? [];
  return privateDirs(task).every((d) => own.some((o) => d === o || d.startsWith(`${o}/`)));
}

/** Where a path of slot `slot`'s container is as this process sees it: under `<ownDir>/<slot>/<k>` for the k-th of its own directories. */
export function slotPathOf(ownDir: string, slot: string, own: string[]): (path: string) => string | undefined {
  return (path) => {
    const k = own.findIndex((o) => path === o || path.startsWith(`${o}/`));
    return k < 0 ? undefined : join(ownDir, ownSlotDir(slot, k), path.slice(own[k].length));
  };
}
