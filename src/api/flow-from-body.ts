/** What a request that plans or runs a flow sends: a Flow document, or `{ use, with }`. */
import { invalid } from '../errors/strata-error.ts';
import { validateFlowDocument } from '../flow/flow-document.ts';
import type { FlowDocument } from '../flow/types.ts';
import { DEFAULT_LIMITS, type Limits } from '../flow/limits.ts';
import { inRequestWords, useRequestFlow } from '../flow/use-request.ts';

/** The flow a request sends, and whether it is a request by name's wrapper (planFlow's `request` option), never told by its name. */
export interface BodyFlow {
  flow: FlowDocument;
  request: boolean;
}

/** A Flow document, or `{ use: "name@version", with: {...} }` wrapped as one (`request`: true). */
export function flowFromBody(body: unknown, limits: Limits = DEFAULT_LIMITS): BodyFlow {
  if (body && typeof body === 'object' && !Array.isArray(body) && 'use' in body && !('kind' in body)) {
    const b = body as Record<string, unknown>;
    for (const k of Object.keys(b)) if (k !== 'use' && k !== 'with') throw invalid([{ path: k, message: `unknown key "${k}"; send a Flow or { use, with }` }], 'invalid_request');
    try {
      return { flow: validateFlowDocument(useRequestFlow(b.use, b.with), limits), request: true };
    } catch (e) {
      throw inRequestWords(e);
    }
  }
  return { flow: validateFlowDocument(body, limits), request: false };
}
