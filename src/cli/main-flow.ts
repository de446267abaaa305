/**
 * Which Flow of the files is the one to plan or run, and in which order the Flows are
 * registered: the same answer for `strata plan` and `strata apply`. The main flow is the
 * first Flow, in file order, that no other Flow in the files uses, in its root or its exit
 * handler (`--flow name@version`, or `--flow name` when the files hold one version of it,
 * picks another); the others are units it, or each other, use. Flows are registered used
 * ones first, so each one's units are there when it is checked.
 */
import { StrataError } from '../errors/strata-error.ts';
import type { FlowDocument } from '../flow/types.ts';
import { flowUses } from '../plan/flow-registry.ts';

export const refOf = (f: FlowDocument): string => `${f.metadata.name}@${f.metadata.version}`;

/** The main flow of `flows`, and why it is the one (for the line that says so). */
export function mainFlow(flows: FlowDocument[], pick?: string): { flow: FlowDocument; why: string } {
  if (pick !== undefined) {
    // A bare name is that flow's one version in the files, as --use NAME is the version registered last.
    const named = pick.includes('@') ? [] : flows.filter((x) => x.metadata.name === pick);
    if (named.length > 1) throw new StrataError('invalid_request', `--flow ${pick}: the files hold ${named.length} versions of it (${named.map(refOf).join(', ')}); give one as ${pick}@VERSION`);
    const f = named[0] ?? flows.find((x) => refOf(x) === pick);
    if (!f) throw new StrataError('not_found', `no Flow ${pick} in the files (they hold ${flows.map(refOf).join(', ') || 'none'})`);
    return { flow: f, why: 'picked with --flow' };
  }
  if (flows.length === 0) throw new StrataError('invalid_document', 'the files hold no Flow');
  const used = new Set(flows.flatMap(flowUses));
  const roots = flows.filter((f) => !used.has(refOf(f)));
  // Every Flow used by another: a use cycle, which the compiler names precisely (a@1 -> b@2 -> a@1).
  if (roots.length === 0) return { flow: flows[0], why: 'every Flow in the files is used by another' };
  const others = roots.length > 1 ? `; ${roots.slice(1).map(refOf).join(', ')} ${roots.length > 2 ? 'are' : 'is'} not used either: --flow picks another` : '';
  return { flow: roots[0], why: `the first Flow no other Flow in the files uses${others}` };
}

/** The Flows in registration order (flow/uses.ts): each after the Flows of the files it uses. */
export { inUseOrder } from '../flow/uses.ts';
