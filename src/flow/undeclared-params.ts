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
 */
import type { Problem } from '../errors/strata-error.ts';
import { didYouMean } from './nearest.ts';

/** A problem at `${path}.${key}` for each own key of `given` that `declared` (a flow's spec.params) lacks; none when the flow declares no spec.params. */
export function undeclaredParamProblems(given: unknown, declared: Record<string, unknown> | undefined, path: string, flow: string): Problem[] {
  if (declared === undefined || given === null || typeof given !== 'object' || Array.isArray(given)) return [];
  const names = Object.keys(declared);
  return Object.keys(given).filter((k) => !Object.hasOwn(declared, k)).map((k) => ({
    path: path === '' ? k : `${path}.${k}`,
    message: `flow ${flow} declares no param "${k}"${didYouMean(k, names)} (its spec.params: ${names.join(', ') || 'none'})`,
  }));
}
