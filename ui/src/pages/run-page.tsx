/**
 * A run: its plan as a live picture (boxes nested as the plan nests, coloured by status,
 * changing as the run's events arrive), counts by status, cancel and retry, and the
 * panel of the step clicked.
 */
import { useEffect, useMemo, useState } from 'preact/hooks';
import type { RunPlan } from '../../../src/api/runs-port.ts';
import type { RunView } from '../../../src/run/run-view.ts';
import { api, ApiError } from '../api.ts';
import { followRun } from '../events.ts';
import { layout } from '../graph/layout.ts';
import type { Picture } from '../graph/elk-graph.ts';
import { RunGraph } from '../graph/run-graph.tsx';
import { StatusCounts } from '../graph/status-counts.tsx';
import { buildTree } from '../model/step-tree.ts';
import { RunState } from '../run-state.ts';
import { StepPanel } from './step-panel.tsx';
import { duration, when } from './format.ts';

export function RunPage({ id }: { id: string }) {
  const state = useMemo(() => new RunState(), [id]);
  const [plan, setPlan] = useState<RunPlan>();
  const [picture, setPicture] = useState<Picture>();
  const [error, setError] = useState<string>();
  const [note, setNote] = useState<string>();
  const [selected, setSelected] = useState<string>();
  const [expanded, setExpanded] = useState<ReadonlySet<string>>(new Set());
  const [following, setFollowing] = useState(0);
  const shape = state.shape.value;

  useEffect(() => {
    let live = true;
    Promise.all([api<RunView>(`/v1/runs/${encodeURIComponent(id)}`), api<RunPlan>(`/v1/runs/${encodeURIComponent(id)}/plan`)])
      .then(([view, p]) => {
        if (!live) return;
        state.load(view);
        setPlan(p);
      })
      .catch((e: Error) => live && setError(e.message));
    return () => void (live = false);
  }, [id]);

  // Events from the start of the run: applied in order they bring every box to its state.
  useEffect(() => {
    const f = followRun(id, (events) => state.apply(events), () => {
      void api<RunView>(`/v1/runs/${encodeURIComponent(id)}`).then((v) => state.load(v)).catch(() => undefined);
    });
    return () => f.stop();
  }, [id, following]);

  // A generated unit appears in the plan once its generate step has run: read it again when new steps appear.
  useEffect(() => {
    if (!plan || shape === 0 || !JSON.stringify(plan.graph).includes('"generate"')) return;
    const t = setTimeout(() => void api<RunPlan>(`/v1/runs/${encodeURIComponent(id)}/plan`).then(setPlan).catch(() => undefined), 300);
    return () => clearTimeout(t);
  }, [shape]);

  // Lay the picture out again when its shape changes (at most every 250 ms).
  useEffect(() => {
    if (!plan) return;
    let live = true;
    const t = setTimeout(() => {
      const tree = buildTree({ graph: plan.graph, expansions: plan.expansions, steps: state.steps(), expanded });
      layout(tree)
        .then((pic) => {
          if (!live) return;
          setPicture(pic);
          (window as unknown as { strataRendered?: number }).strataRendered = performance.now();
        })
        .catch((e: Error) => live && setError(`layout: ${e.message}`));
    }, picture ? 250 : 0);
    return () => {
      live = false;
      clearTimeout(t);
    };
  }, [plan, shape, expanded]);

  const run = state.run.value;
  const status = state.runStatus.value;
  const act = (what: 'cancel' | 'retry') => {
    setNote(undefined);
    api(`/v1/runs/${encodeURIComponent(id)}/${what}`, { method: 'POST', body: {} })
      .then(() => {
        setNote(what === 'cancel' ? 'cancel requested' : 'retry started');
        if (what === 'retry') setFollowing((n) => n + 1);
      })
      .catch((e: ApiError) => setNote(`${what}: ${e.message}`));
  };
  if (error) return <p class="error">{error}</p>;
  const active = status === 'running' || status === 'pending';
  return (
    <div class="run-page">
      <header class="run-head">
        <h1>
          run <code>{id}</code> <span class={`badge s-${status}`} data-run-status={status}>{status}</span>
        </h1>
        {run && (
          <div class="facts">
            <span>flow <a href={`/ui/flows/${encodeURIComponent(run.flow.split('@')[0])}`}>{run.flow}</a></span>
            {run.origin?.dataset && <span>dataset <a href={`/ui/datasets/${encodeURIComponent(run.origin.dataset)}`}>{run.origin.dataset}</a></span>}
            <span>started {when(run.createdAt)}</span>
            <span>{duration(run.createdAt, active ? null : run.finishedAt)}</span>
          </div>
        )}
        <div class="actions">
          <button class="cancel" disabled={!active} onClick={() => act('cancel')}>Cancel</button>
          <button class="retry" disabled={active} onClick={() => act('retry')}>Retry</button>
          {note && <span class="note">{note}</span>}
        </div>
        <StatusCounts state={state} />
      </header>
      <div class="run-body">
        <div class="canvas">
          {picture ? (
            <RunGraph picture={picture} state={state} selected={selected} onSelect={setSelected} onExpand={(b) => setExpanded(new Set([...expanded, b]))} />
          ) : (
            <p class="muted">laying out the plan…</p>
          )}
        </div>
        {selected && <StepPanel runId={id} step={selected} state={state} onClose={() => setSelected(undefined)} />}
      </div>
    </div>
  );
}
