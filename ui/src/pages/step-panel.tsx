/**
 * One step: its record (status, attempts, times, duration, exit code, item, result, error),
 * its input and output files when the API lists them, and its logs, read again every second
 * while the step runs.
 */
import { useEffect, useState } from 'preact/hooks';
import type { RunView, StepView } from '../../../src/run/run-view.ts';
import { api } from '../api.ts';
import type { RunState } from '../run-state.ts';
import { duration, when } from './format.ts';

type StepRecord = StepView & { exitCode?: number | null; durationMs?: number | null; item?: unknown; image?: string };

export function StepPanel({ runId, step, state, onClose }: { runId: string; step: string; state: RunState; onClose: () => void }) {
  const status = state.status(step).value;
  const [record, setRecord] = useState<StepRecord>();
  const [logs, setLogs] = useState('');
  const [files, setFiles] = useState<Array<{ name: string; size?: number }>>();
  const base = `/v1/runs/${encodeURIComponent(runId)}`;
  const stepPath = `${base}/steps/${step.split('/').map(encodeURIComponent).join('/')}`;

  useEffect(() => {
    let live = true;
    void api<RunView>(base).then((v) => live && setRecord(v.steps[step] as StepRecord)).catch(() => undefined);
    void api<{ artifacts?: Array<{ name: string; size?: number }> }>(`${stepPath}/artifacts`).then((a) => live && setFiles(a.artifacts)).catch(() => live && setFiles(undefined));
    return () => void (live = false);
  }, [step, status]);

  useEffect(() => {
    let live = true;
    const read = () => api<string>(`${stepPath}/logs`).then((t) => live && setLogs(typeof t === 'string' ? t : JSON.stringify(t))).catch(() => undefined);
    void read();
    const t = status === 'running' ? setInterval(read, 1000) : undefined;
    return () => {
      live = false;
      if (t) clearInterval(t);
    };
  }, [step, status]);

  const r = record;
  return (
    <aside class="step-panel" data-panel-step={step}>
      <header>
        <h2><code>{step}</code></h2>
        <button class="close" onClick={onClose} aria-label="close">×</button>
      </header>
      <dl>
        <dt>status</dt><dd><span class={`badge s-${status}`} data-panel-status={status}>{status}</span></dd>
        <dt>attempts</dt><dd>{r?.attempts ?? '—'}</dd>
        <dt>started</dt><dd>{when(r?.startedAt)}</dd>
        <dt>finished</dt><dd>{when(r?.finishedAt)}</dd>
        <dt>duration</dt><dd>{r?.durationMs != null ? `${r.durationMs} ms` : duration(r?.startedAt, r?.finishedAt ?? (status === 'running' ? null : r?.startedAt))}</dd>
        <dt>exit code</dt><dd>{r?.exitCode ?? '—'}</dd>
        {r?.image && (<><dt>image</dt><dd><code>{r.image}</code></dd></>)}
        {r?.item !== undefined && (<><dt>item</dt><dd><code>{JSON.stringify(r.item)}</code></dd></>)}
        {r?.error && (<><dt>error</dt><dd class="error">{r.error}</dd></>)}
      </dl>
      <h3>result</h3>
      <pre class="result">{r?.result == null ? '—' : JSON.stringify(r.result, null, 2)}</pre>
      <h3>files</h3>
      {files ? (
        files.length === 0 ? <p class="muted">none</p> : (
          <ul class="files">
            {files.map((f) => <li key={f.name}><code>{f.name}</code>{f.size !== undefined ? ` ${f.size} B` : ''}</li>)}
          </ul>
        )
      ) : <p class="muted">not listed by this server</p>}
      <h3>logs {status === 'running' && <span class="muted">(following)</span>}</h3>
      <pre class="logs">{logs || '—'}</pre>
    </aside>
  );
}
