/**
 * A Dataset: its document, the explain of every rule against it (matched or not, and the
 * part of `when` that decided), the plan the chosen rule makes as a picture, and the runs
 * made from it.
 */
import { useEffect, useState } from 'preact/hooks';
import type { PlanDocument } from '../../../src/plan/plan-document.ts';
import { api } from '../api.ts';
import { PlanPicture } from './plan-picture.tsx';
import { duration, when } from './format.ts';
import { stringify } from './yaml-text.ts';

interface Explain {
  rules: Array<{ name: string; priority: number; matched: boolean; reason: string; builtin?: boolean }>;
  chosen: string | null;
  plan: PlanDocument | null;
  error?: { message: string };
}

interface RunRow {
  id: string;
  status: string;
  createdAt: string;
  finishedAt: string | null;
  origin?: Record<string, string>;
  dataset?: string | null;
}

export function DatasetPage({ name }: { name: string }) {
  const [stored, setStored] = useState<{ dataset: Record<string, unknown>; flow?: string | null; runs?: RunRow[] }>();
  const [explain, setExplain] = useState<Explain>();
  const [runs, setRuns] = useState<RunRow[]>();
  const [error, setError] = useState<string>();

  useEffect(() => {
    let live = true;
    api<{ dataset: Record<string, unknown>; flow?: string | null; runs?: RunRow[] }>(`/v1/datasets/${encodeURIComponent(name)}`)
      .then(async (d) => {
        if (!live) return;
        setStored(d);
        const [ex, list] = await Promise.all([
          api<Explain>('/v1/rules/explain', { method: 'POST', body: d.dataset }),
          d.runs ? Promise.resolve({ runs: d.runs }) : api<{ runs: RunRow[] }>(`/v1/runs?dataset=${encodeURIComponent(name)}&limit=50`),
        ]);
        if (!live) return;
        setExplain(ex);
        setRuns(list.runs.filter((r) => (r.dataset ?? r.origin?.dataset) === name || d.runs !== undefined));
      })
      .catch((e: Error) => live && setError(e.message));
    return () => void (live = false);
  }, [name]);

  if (error) return <p class="error">{error}</p>;
  return (
    <div class="dataset-page">
      <h1>Dataset <code>{name}</code></h1>
      {stored?.flow && <p>last plan: flow <a href={`/ui/flows/${encodeURIComponent(String(stored.flow).split('@')[0])}`}>{stored.flow}</a></p>}
      <div class="columns">
        <section class="document">
          <h2>Document</h2>
          <pre>{stored ? stringify(stored.dataset) : '…'}</pre>
        </section>
        <section class="explain">
          <h2>Rules, in the order tried</h2>
          {explain ? (
            <table class="rules">
              <thead><tr><th>rule</th><th>priority</th><th>matched</th><th>why</th></tr></thead>
              <tbody>
                {explain.rules.map((r) => (
                  <tr key={r.name} data-rule={r.name} data-matched={String(r.matched)} class={r.name === explain.chosen ? 'chosen' : ''}>
                    <td>{r.name}{r.name === explain.chosen && <span class="chip">builds the plan</span>}</td>
                    <td>{r.priority}</td>
                    <td>{r.matched ? 'yes' : 'no'}</td>
                    <td><code class="reason">{r.reason}</code></td>
                  </tr>
                ))}
              </tbody>
            </table>
          ) : <p class="muted">…</p>}
          {explain?.error && <p class="error">{explain.error.message}</p>}
        </section>
      </div>
      <section class="plan-section">
        <h2>Plan{explain?.plan ? ` (${explain.plan.stepCount} steps)` : ''}</h2>
        {explain?.plan ? <PlanPicture graph={explain.plan.graph} /> : explain ? <p class="muted">no rule builds a plan for this Dataset</p> : <p class="muted">…</p>}
      </section>
      <section>
        <h2>Runs made from it</h2>
        {runs && runs.length === 0 && <p class="muted">none</p>}
        {runs && runs.length > 0 && (
          <table class="runs">
            <thead><tr><th>run</th><th>status</th><th>started</th><th>duration</th></tr></thead>
            <tbody>
              {runs.map((r) => (
                <tr key={r.id} data-run={r.id}>
                  <td><a href={`/ui/runs/${encodeURIComponent(r.id)}`}><code>{r.id}</code></a></td>
                  <td><span class={`badge s-${r.status}`}>{r.status}</span></td>
                  <td>{when(r.createdAt)}</td>
                  <td>{duration(r.createdAt, r.status === 'running' || r.status === 'pending' ? null : r.finishedAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </div>
  );
}
