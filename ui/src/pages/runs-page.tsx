/**
 * Runs, newest first: status, flow, Dataset, labels, start, duration, progress (N of M
 * steps ended, from /v1/runs/:id/progress). Filters (status, label `key=value`, Dataset) and paging
 * travel in the query string and are sent to the API; what an API without them returns is
 * filtered and paged here the same way.
 */
import { useEffect, useState } from 'preact/hooks';
import { api } from '../api.ts';
import { location, navigate, route } from '../router.ts';
import { duration, when } from './format.ts';

interface RunRow {
  id: string;
  status: string;
  flow: string;
  createdAt: string;
  finishedAt: string | null;
  dataset?: string | null;
  labels?: Record<string, string>;
  origin?: Record<string, string>;
  progress?: { done: number; total: number };
}

const PAGE = 50;
const STATUSES = ['', 'pending', 'running', 'succeeded', 'failed', 'cancelled'];

export function RunsPage() {
  const { query } = route(location.value);
  const status = query.get('status') ?? '';
  const label = query.get('label') ?? '';
  const dataset = query.get('dataset') ?? '';
  const cursor = query.get('cursor') ?? '';
  const [rows, setRows] = useState<RunRow[]>();
  const [next, setNext] = useState<string>();
  const [error, setError] = useState<string>();
  const [progress, setProgress] = useState<Record<string, { done: number; total: number }>>({});

  // Progress of the runs shown, a few requests at a time.
  useEffect(() => {
    if (!rows) return;
    let live = true;
    const queue = rows.filter((r) => !r.progress).map((r) => r.id);
    const worker = async () => {
      for (let id = queue.shift(); id && live; id = queue.shift()) {
        const p = await api<{ done: number; total: number }>(`/v1/runs/${encodeURIComponent(id)}/progress`).catch(() => undefined);
        const runId = id;
        if (p && live) setProgress((all) => ({ ...all, [runId]: p }));
      }
    };
    for (let i = 0; i < 4; i++) void worker();
    return () => void (live = false);
  }, [rows]);

  useEffect(() => {
    const q = new URLSearchParams({ limit: String(PAGE) });
    if (status) q.set('status', status);
    if (label) q.set('selector', label);
    if (dataset) q.set('dataset', dataset);
    if (cursor) q.set('cursor', cursor);
    api<{ runs: RunRow[]; next?: string | null; nextCursor?: string | null }>(`/v1/runs?${q}`)
      .then((r) => {
        // An API that ignores the filters: apply them here.
        const [k, v] = label.split('=');
        const shown = r.runs.filter((x) => (!status || x.status === status) && (!dataset || datasetOf(x) === dataset) && (!label || (x.labels ?? {})[k] === v));
        const paged = r.next === undefined && r.nextCursor === undefined;
        const from = paged ? Number(cursor || 0) : 0;
        setRows(paged ? shown.slice(from, from + PAGE) : shown);
        setNext((paged ? (shown.length > from + PAGE ? String(from + PAGE) : undefined) : (r.next ?? r.nextCursor)) ?? undefined);
      })
      .catch((e: Error) => setError(e.message));
  }, [status, label, dataset, cursor]);

  const set = (key: string, value: string) => {
    const q = new URLSearchParams(query);
    if (value) q.set(key, value);
    else q.delete(key);
    q.delete('cursor');
    navigate(`/ui/runs${q.size ? `?${q}` : ''}`);
  };
  return (
    <div class="runs-page">
      <h1>Runs</h1>
      <form class="filters" onSubmit={(e) => e.preventDefault()}>
        <label>status <select value={status} onChange={(e) => set('status', (e.target as HTMLSelectElement).value)}>{STATUSES.map((s) => <option key={s} value={s}>{s || 'any'}</option>)}</select></label>
        <label>label <input name="label" placeholder="team=analytics" value={label} onChange={(e) => set('label', (e.target as HTMLInputElement).value.trim())} /></label>
        <label>dataset <input name="dataset" value={dataset} onChange={(e) => set('dataset', (e.target as HTMLInputElement).value.trim())} /></label>
      </form>
      {error && <p class="error">{error}</p>}
      {rows && rows.length === 0 && <p class="muted">no runs</p>}
      {rows && rows.length > 0 && (
        <table class="runs">
          <thead><tr><th>run</th><th>status</th><th>flow</th><th>dataset</th><th>labels</th><th>started</th><th>duration</th><th>progress</th></tr></thead>
          <tbody>
            {rows.map((r) => {
              const p = r.progress ?? progress[r.id];
              const ds = datasetOf(r);
              return (
                <tr key={r.id} data-run={r.id}>
                  <td><a href={`/ui/runs/${encodeURIComponent(r.id)}`}><code>{r.id}</code></a></td>
                  <td><span class={`badge s-${r.status}`}>{r.status}</span></td>
                  <td>{r.flow}</td>
                  <td>{ds ? <a href={`/ui/datasets/${encodeURIComponent(ds)}`}>{ds}</a> : '—'}</td>
                  <td>{Object.entries(r.labels ?? {}).map(([k, v]) => <span key={k} class="chip">{k}={v}</span>)}</td>
                  <td>{when(r.createdAt)}</td>
                  <td>{duration(r.createdAt, r.status === 'running' || r.status === 'pending' ? null : r.finishedAt)}</td>
                  <td>{p ? `${p.done} of ${p.total}` : '—'}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      <nav class="paging">
        {cursor && <a href={pageLink(query, undefined)}>newest</a>}
        {next && <a href={pageLink(query, next)}>older →</a>}
      </nav>
    </div>
  );
}

function datasetOf(r: RunRow): string | undefined {
  return r.dataset ?? r.origin?.dataset ?? undefined;
}

function pageLink(query: URLSearchParams, cursor: string | undefined): string {
  const q = new URLSearchParams(query);
  if (cursor) q.set('cursor', cursor);
  else q.delete('cursor');
  return `/ui/runs${q.size ? `?${q}` : ''}`;
}
