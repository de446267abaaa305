/** A plan without a run, laid out like a run's picture (every box `planned`). */
import { useEffect, useState } from 'preact/hooks';
import type { PlanGraph } from '../../../src/plan/plan-document.ts';
import type { Picture } from '../graph/elk-graph.ts';
import { layout } from '../graph/layout.ts';
import { RunGraph } from '../graph/run-graph.tsx';
import { buildTree, fitTree } from '../model/step-tree.ts';

export function PlanPicture({ graph }: { graph: PlanGraph }) {
  const [picture, setPicture] = useState<Picture>();
  const [error, setError] = useState<string>();
  useEffect(() => {
    let live = true;
    layout(fitTree(buildTree({ graph, expansions: {} })))
      .then((p) => live && setPicture(p))
      .catch((e: Error) => live && setError(e.message));
    return () => void (live = false);
  }, [graph]);
  if (error) return <p class="error">layout: {error}</p>;
  return <div class="canvas plan">{picture ? <RunGraph picture={picture} /> : <p class="muted">laying out the plan…</p>}</div>;
}
