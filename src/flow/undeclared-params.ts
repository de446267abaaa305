/**
 * Parameters a flow does not declare. A flow that has `spec.params` names its parameters
 * there (a `null` default declares one without a value), and only those reach its templates
 * (`{{ params.x }}` of another is refused when planned): a key given beside them (`-p cont=5`
 * for `count`) would be dropped while the run went on with the default, a silent wrong
 * answer. So every place parameters are given for a flow (a run's `params`, a use's `with`,
 * `-p`, a Schedule's or Hook's `spec.with`, a hook call's body) refuses such a key by name,
 * nearest declared name offered, before anything is stored. A flow without `spec.params`
 * declares nothing and takes any parameters: its programs read them whole
 * (`STRATA_PARAMS`), as a flow written before this rule did (docs/flow-language.md).
 *
 * A `{ use, with, params }` request's `params` are its wrapper's (use-request.ts), which
 * reach the used flow only through json-logic in `with` (`{ var: params.n }`): a key no
 * `with` value reads is dropped the same way, so it is refused too (requestParamProblems).
 *
 * Every route that starts or plans a run checks through this module: the routes that refuse
 * at once call refuseUndeclaredParams; those that gather every problem of a document first
 * (the compiler's use nodes, `strata apply`) take the problems.
 */
import { invalid, type Problem } from '../errors/strata-error.ts';
import { didYouMean } from './nearest.ts';

/** At most this many names are listed in a message (a flow may declare 10,000 params, and each undeclared key repeated the list). */
const LISTED = 20;

/** `a, b, c`, or the first LISTED and how many in all; `none` for no names. */
function listed(names: readonly string[]): string {
  if (names.length === 0) return 'none';
  return names.length <= LISTED ? names.join(', ') : `${names.slice(0, LISTED).join(', ')}, ... (${names.length} in all)`;
}

/**
 * A problem at `${path}.${key}` for each own key of `given` that `declared` (a flow's
 * spec.params) lacks; none when the flow declares no spec.params. `found`: the problems
 * already found beside these (the nearest name is offered only while few are, nearest.ts).
 */
export function undeclaredParamProblems(given: unknown, declared: Record<string, unknown> | undefined, path: string, flow: string, found = 0): Problem[] {
  if (declared === undefined || !isRecord(given)) return [];
  const names = Object.keys(declared);
  const list = listed(names);
  return Object.keys(given).filter((k) => !Object.hasOwn(declared, k)).map((k, i) => ({
    path: at(path, k),
    message: `flow ${flow} declares no param "${k}"${didYouMean(k, names, found + i)} (its spec.params: ${list})`,
  }));
}

/**
 * A problem at `params.${key}` for each key of a `{ use: ref, with, params }` request's
 * `params` that no value of its `with` reads (paramsReadBy); none when a `with` value reads
 * them whole or by a computed name. `used` is the used flow's spec.params, for the nearest name.
 */
export function requestParamProblems(given: unknown, withValues: Record<string, unknown>, ref: string, used: Record<string, unknown> | undefined): Problem[] {
  if (!isRecord(given)) return [];
  const read = paramsReadBy(withValues);
  if (read === undefined) return [];
  const known = [...read, ...Object.keys(used ?? {})];
  // A key the used flow declares is right, in the wrong place: no other name is offered for it.
  return Object.keys(given).filter((k) => !read.has(k)).map((k, i) => ({
    path: at('params', k),
    message: `no with value of { use: ${ref} } reads param "${k}"${used && Object.hasOwn(used, k) ? '' : didYouMean(k, known, i)} (a { use } request's params reach ${ref} only through its with: give its parameters there, as with.${k})`,
  }));
}

/** Throws 400 `invalid_request` naming each key of `given` that `declared` (a flow's spec.params) lacks (undeclaredParamProblems): the refusal of every route that starts a run. */
export function refuseUndeclaredParams(given: unknown, declared: Record<string, unknown> | undefined, path: string, flow: string): void {
  refuseParamProblems(undeclaredParamProblems(given, declared, path, flow));
}

/** Throws 400 `invalid_request` listing `problems` (of this module), when there are any. */
export function refuseParamProblems(problems: Problem[]): void {
  if (problems.length > 0) throw invalid(problems, 'invalid_request');
}

/**
 * The names of params json-logic `value` reads (`{ var: "params.n" }`, `{ var: ["params.n", 1] }`,
 * `params.n.x` reads `n`), or undefined when it may read any: `params` whole, or a name that is computed.
 */
export function paramsReadBy(value: unknown): Set<string> | undefined {
  const read = new Set<string>();
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const e = stack.pop();
    if (Array.isArray(e)) {
      for (const x of e) stack.push(x);
      continue;
    }
    if (!isRecord(e)) continue;
    const keys = Object.keys(e);
    // json-logic's tests of presence take names too, computed or not: any may be read.
    if (keys.length === 1 && (keys[0] === 'missing' || keys[0] === 'missing_some')) return undefined;
    if (keys.length === 1 && keys[0] === 'var') {
      const arg = e.var;
      const name = Array.isArray(arg) ? arg[0] : arg;
      if (Array.isArray(arg)) for (const x of arg.slice(1)) stack.push(x);
      if (typeof name === 'number') continue; // an index, never params
      // The whole data (`""`, none), `params` whole, or a computed name: any param may be read.
      if (typeof name !== 'string' || name === '' || name === 'params') return undefined;
      if (name.startsWith('params.')) read.add(name.slice(7).split('.')[0]);
      continue;
    }
    for (const v of Object.values(e)) stack.push(v);
  }
  return read;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function at(path: string, key: string): string {
  return path === '' ? key : `${path}.${key}`;
}
