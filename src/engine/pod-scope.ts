/**
 * What a pod hands its micro plan: the pod's unit parameters, fan-out items and round
 * (DESIGN.md section 4 at both levels), nothing else of the macro scope (retries and
 * joined data belong to the pod as a macro step). Used by the quarterback and by the dry
 * run, which simulates a pod's inside in place.
 */
import type { JsonValue } from '../flow/types.ts';
import type { Scope } from './act.ts';

export interface PodEnv {
  params: Record<string, JsonValue>;
  unit: string;
  item?: JsonValue;
  items?: Record<string, JsonValue>;
  round?: number;
  /** inside an exit handler: the outcome of the node it serves */
  exit?: JsonValue;
}

/** The scope a pod's micro root starts with. */
export function podScope(p: PodEnv): Scope {
  return {
    params: p.params, unitId: p.unit, depth: 0,
    ...(p.item !== undefined ? { item: p.item } : {}),
    ...(p.items !== undefined && Object.keys(p.items).length > 0 ? { items: p.items } : {}),
    ...(p.round !== undefined ? { round: p.round } : {}),
    ...(p.exit !== undefined ? { exit: p.exit } : {}),
  };
}

/** The step environment's view of a scope (a start command's `env`, a pod request's fields). */
export function envOf(s: Scope): PodEnv {
  return {
    params: s.params, unit: s.unitId,
    ...(s.item !== undefined ? { item: s.item } : {}),
    ...(s.items !== undefined && Object.keys(s.items).length > 0 ? { items: s.items } : {}),
    ...(s.round !== undefined ? { round: s.round } : {}),
    ...(s.exit !== undefined ? { exit: s.exit } : {}),
  };
}
