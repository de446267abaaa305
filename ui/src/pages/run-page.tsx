/**
 * A run: its plan as a live picture (boxes nested as the plan nests, coloured by status,
 * changing as the run's events arrive), counts by status, cancel and retry, and the
 * panel of the step clicked. The `strata:*` performance marks time the stages of the first
 * render (`STRATA_BENCH_MARKS=1 npm run bench -- ui` prints them).
 */
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import type { RunPlan } from '../../../src/coordinator/runs-port.ts';
import type { RunView } from '../../../src/run/run-view.ts';
import { api, ApiError } from '../api.ts';
import { followRun, type Follow } from '../events.ts';
import { layout, warmLayout } from '../graph/layout.ts';
import type { Picture } from '../graph/elk-graph.ts';
import { RunGraph } from '../graph/run-graph.tsx';
import { StatusCounts } from '../graph/status-counts.tsx';
import { buildTree, fitTree, planAttributes } from '../model/step-tree.ts';
import { DRAW_LIMIT, partGraph, partsOf, planSize } from '../model/plan-parts.ts';
import { RunState } from '../run-state.ts';
import { StepPanel } from './step-panel.tsx';
import { duration, when } from './format.ts';

const PAGE = 100;

/** Open a summary box: a collapsed box shows its first PAGE children, a "more" box PAGE more of its parent's. */
function open(expanded: ReadonlyMap<string, number>, id: string): Map<string, number> {
  const next = new Map(expanded);
  if (id.endsWith('#more')) {
    const parent = id.slice(0, -'#more'.length);
    next.set(parent, (next.get(parent) ?? PAGE) + PAGE);
  } else next.set(id, PAGE);
  return next;
}

export function RunPage({ id }: { id: string }) {
  const state = useMemo(() => new RunState(), [id]);
  const [plan, setPlan] = useState<RunPlan>();
  const [picture, setPicture] = useState<Picture>();
  const [error, setError] = useState<string>();
  const [note, setNote] = useState<string>();
  const [selected, setSelected] = useState<string>();
  const [expanded, setExpanded] = useState<ReadonlyMap<string, number>>(new Map());
  const [following, setFollowing] = useState(0);
  /** the part drawn when the plan is too large to draw whole (DRAW_LIMIT) */
  const [focus, setFocus] = useState<string>();
  const shape = state.shape.value;
  const size = useMemo(() => (plan ? planSize(plan.graph) : 0), [plan]);
  const large = size > DRAW_LIMIT;
  const generates = useMemo(() => !!plan && JSON.stringify(plan.graph).includes('"generate"'), [plan]);

  // The plan first (it says how many events were recorded before it was read), then the
  // run as it is now, then the events from there on: nothing missed, nothing replayed.
  useEffect(() => {
    let live = true;
    let follow: Follow | undefined;
    warmLayout();
    const base = `/v1/runs/${encodeURIComponent(id)}`;
    (async () => {
      const p = await api<RunPlan>(`${base}/plan`);
      const view = await api<RunView>(base);
      if (!live) return;
      performance.mark('strata:loaded');
      state.load(view);
      setPlan(p);
      follow = followRun(id, p.events, (events) => state.apply(events), () => {
        void api<RunView>(base).then((v) => live && state.load(v)).catch(() => undefined);
      }, (e) => live && setError(e.message));
    })().catch((e: Error) => live && setError(e.message));
    return () => {
      live = false;
      follow?.stop();
    };
  }, [id, following]);

  // A generated unit appears in the plan once its generate step has run: read it again when new steps appear.
  useEffect(() => {
    if (!plan || shape === 0 || !generates) return;
    const t = setTimeout(() => void api<RunPlan>(`/v1/runs/${encodeURIComponent(id)}/plan`).then(setPlan).catch(() => undefined), 300);
    return () => clearTimeout(t);
  }, [shape]);

  // Lay the picture out again when its shape changes (at most every 250 ms); a layout that
  // finishes after a later one started still shows until the later one is done.
  const started = useRef(0);
  const shown = useRef(0);
  useEffect(() => {
    if (!plan) return;
    if (large && focus === undefined) return setPicture(undefined);
    const t = setTimeout(() => {
      const seq = ++started.current;
      performance.mark('strata:tree-start');
      const graph = large ? partGraph(plan.graph, focus!) : plan.graph;
      const tree = fitTree(buildTree({ graph, expansions: plan.expansions, steps: state.steps(), expanded }), { expanded, page: PAGE });
      performance.mark('strata:layout-start');
      layout(tree)
        .then((pic) => {
          if (seq < shown.current) return;
          shown.current = seq;
          performance.mark('strata:laid-out');
          setPicture(pic);
        })
        .catch((e: Error) => setError(`layout: ${e.message}`));
    }, picture ? 250 : 0);
    return () => clearTimeout(t);
  }, [plan, shape, expanded, focus]);

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
      {large && plan && <PlanParts plan={plan} size={size} focus={focus} onFocus={(f) => { setPicture(undefined); setExpanded(new Map()); setFocus(f); }} />}
      <div class="run-body">
        <div class="canvas">
          {large && focus === undefined ? null : picture ? (
            <RunGraph picture={picture} state={state} selected={selected} onSelect={setSelected} onExpand={(b) => setExpanded(open(expanded, b))} />
          ) : (
            <p class="muted">laying out the plan…</p>
          )}
        </div>
        {selected && <StepPanel runId={id} step={selected} state={state} inputs={plan && planAttributes(plan.graph, plan.expansions, selected)?.inputs} onClose={() => setSelected(undefined)} />}
      </div>
    </div>
  );
}

/**
 * A plan too large to draw whole: says so, with its size, and offers its parts: the
 * children of the part drawn (or of the run), each with its size; choosing one draws it.
 */
function PlanParts({ plan, size, focus, onFocus }: { plan: RunPlan; size: number; focus: string | undefined; onFocus: (id: string | undefined) => void }) {
  const parts = partsOf(plan.graph, focus ?? null).filter((p) => p.size > 1 || focus === undefined);
  const trail = focus === undefined ? [] : focus.split('/').map((_, i, all) => all.slice(0, i + 1).join('/')).filter((id) => plan.graph.nodes.some((n) => n.key === id));
  return (
    <section class="plan-parts" data-too-large={size}>
      <p>
        This run's plan has {size.toLocaleString('en')} steps: too large to draw at once (the page draws up to {DRAW_LIMIT.toLocaleString('en')}).
        {focus === undefined ? ' The counts above are the whole run; choose a part to draw it.' : ' Drawing one part; choose another below.'}
      </p>
      <nav class="trail">
        <button data-part="" onClick={() => onFocus(undefined)} disabled={focus === undefined}>whole run</button>
        {trail.map((id) => <button key={id} data-part={id} onClick={() => onFocus(id)} disabled={id === focus}>{id.split('/').pop()}</button>)}
      </nav>
      {parts.length > 0 && (
        <ul class="parts">
          {parts.slice(0, 200).map((p) => (
            <li key={p.id}><button data-part={p.id} onClick={() => onFocus(p.id)}><code>{p.id}</code> {p.kind} · {p.size.toLocaleString('en')} steps</button></li>
          ))}
          {parts.length > 200 && <li class="muted">and {(parts.length - 200).toLocaleString('en')} more parts</li>}
        </ul>
      )}
    </section>
  );
}
