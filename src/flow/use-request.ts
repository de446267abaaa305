/**
 * The flow a request by name (`{ use: "name@version", with }`, POST /v1/runs and /v1/plans,
 * `strata runs submit --use`) is wrapped in: `adhoc@0`, whose root is that one use node. It
 * is no unit of its own: the units it reaches nest as they do beneath the flow used
 * (compile.ts counts STRATA_MAX_UNIT_DEPTH from there). Pure.
 */
import type { FlowDocument } from './types.ts';

const NAME = 'adhoc';
const VERSION = '0';

/** The wrapper of a request by name, not yet validated. */
export function useRequestFlow(use: unknown, withParams: unknown): unknown {
  return { apiVersion: 'strata/v1', kind: 'Flow', metadata: { name: NAME, version: VERSION }, spec: { root: { use, ...(withParams !== undefined ? { with: withParams } : {}) } } };
}

/** Whether `doc` is the wrapper of a request by name: adhoc@0 whose root is a lone use node. */
export function isUseRequestFlow(doc: Pick<FlowDocument, 'metadata' | 'spec'>): boolean {
  const root = doc.spec.root as unknown as Record<string, unknown> | undefined;
  return doc.metadata.name === NAME && doc.metadata.version === VERSION && typeof root?.use === 'string';
}
