/**
 * A graph's outcome by its leaves (`graph.outcome: leaves`), as Argo assesses a DAG's
 * phase (assessDAGPhase): each branch carries the outcome of the last node on it that ran,
 * so a leaf that was skipped or omitted takes its dependencies' outcome; the graph fails
 * when a leaf's branch failed, even when a sibling's condition handled the failure (a task
 * on `B.Failed` ran, a task on `B.Succeeded` was omitted: the graph failed). A failure with
 * continueOn counts as a success on its branch. Without it, strata's rule holds: a failure
 * some sibling's condition handles does not fail the graph.
 */
import type { GraphIndex } from './graph-index.ts';
import type { EndedChild } from './graph.ts';

/** The failure that fails the graph by its leaves (the first leaf's in declared order), or undefined. */
export function leafFailure(g: GraphIndex, ended: Array<EndedChild | undefined>, failures: Array<string | undefined>, untargeted: Set<string>, idOf: (seg: string) => string): string | undefined {
  const memo = new Map<number, string | null>();
  // The failure a branch ends with at child i (null: it succeeded). Dependencies come first in a DAG, so this ends.
  const branch = (i: number): string | null => {
    const known = memo.get(i);
    if (known !== undefined) return known;
    const e = ended[i];
    let out: string | null = null;
    if (e && (e.outcome === 'failed' || e.outcome === 'errored') && !e.continued) out = failures[i] ?? `step ${idOf(g.children[i].seg)} failed`;
    else if (e && (e.outcome === 'skipped' || e.outcome === 'omitted')) {
      for (let k = g.depsAt[i]; k < g.depsAt[i + 1]; k++) {
        out = branch(g.deps[k]);
        if (out !== null) break;
      }
    }
    memo.set(i, out);
    return out;
  };
  for (let i = 0; i < g.children.length; i++) {
    if (g.dependentsAt[i + 1] > g.dependentsAt[i] || untargeted.has(g.children[i].seg)) continue;
    const f = branch(i);
    if (f !== null) return ended[i]?.outcome === 'skipped' || ended[i]?.outcome === 'omitted' ? `${f} (and step ${idOf(g.children[i].seg)}, which did not run, ends its branch: the graph's outcome is its leaves')` : f;
  }
  return undefined;
}
