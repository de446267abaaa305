/**
 * The strata constructs the importer writes: the flow language's own types
 * (src/flow/types.ts), and a looser node and document shape the importer builds up field by
 * field. What it builds is checked by strata's validation like any document, so the loose
 * shape costs no safety.
 */
import type { FlowDocument as StrataFlow } from '../flow/types.ts';

export type { Computed, Dependency, JsonValue, Logic, Outcome, RetrySpec, TaskSpec } from '../flow/types.ts';

/** A flow node as the importer builds it: one pattern key and the common fields. */
export type FlowNode = { [key: string]: unknown };

/** A Flow document whose root and exit handler are nodes as the importer builds them. */
export interface FlowDocument {
  apiVersion: 'strata/v1';
  kind: 'Flow';
  metadata: { name: string; version: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  spec: Omit<StrataFlow['spec'], 'root' | 'onExit'> & { root: FlowNode; onExit?: FlowNode };
}
