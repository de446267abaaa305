/** The strata.dev custom resources (deploy/base/crds/) as the operator addresses them. */
export const GROUP = 'strata.dev';
export const VERSION = 'v1';

export const KINDS = {
  Dataset: { plural: 'datasets', kind: 'Dataset' },
  Rule: { plural: 'rules', kind: 'Rule' },
  Flow: { plural: 'flows', kind: 'Flow' },
} as const;

export type KindName = keyof typeof KINDS;

/** Held on a Dataset while its run may be active, and on a Rule while it is registered: deleting them undoes that first. */
export const FINALIZER = 'strata.dev/operator';

/** A strata.dev resource as it comes from the API. */
export interface StrataResource {
  apiVersion?: string;
  kind?: string;
  metadata: {
    name: string;
    namespace?: string;
    uid?: string;
    generation?: number;
    resourceVersion?: string;
    labels?: Record<string, string>;
    finalizers?: string[];
    deletionTimestamp?: string | Date;
  };
  spec?: Record<string, unknown>;
  status?: Record<string, unknown>;
}
