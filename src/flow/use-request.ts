/**
 * The flow a request by name (`{ use: "name@version", with }`, POST /v1/runs and /v1/plans,
 * `strata runs submit --use`, a schedule's or hook's run) is wrapped in: `adhoc@0`, whose
 * root is that one use node. It is no unit of its own: the units it reaches nest as they do
 * beneath the flow used. Nothing recognises it by its name, which a user's flow may have too:
 * whoever wraps a request says so (flow-from-body.ts `request`), and the compiler is told
 * (compile.ts `CompileOptions.request`). Pure.
 */
import { withPathsMoved } from '../errors/strata-error.ts';

/** The wrapper of a request by name, not yet validated. */
export function useRequestFlow(use: unknown, withParams: unknown): unknown {
  return { apiVersion: 'strata/v1', kind: 'Flow', metadata: { name: 'adhoc', version: '0' }, spec: { root: { use, ...(withParams !== undefined ? { with: withParams } : {}) } } };
}

/**
 * Error `e` of a request by name's wrapper in the request's words: a problem at the wrapper's
 * `spec.root.with.n` (or `spec.root.use`) is at `with.n` (`use`) of what was sent, where it had
 * named a place no request has (tester 17). Other errors as they are.
 */
export function inRequestWords(e: unknown): unknown {
  return withPathsMoved(e, (path) => path.replace(/^spec\.root\./, ''));
}
