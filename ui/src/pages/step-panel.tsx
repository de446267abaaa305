/**
 * One step: its record (status, attempt and execution, times, duration, exit code, item,
 * result, error), its declared inputs (from the plan: name <- `step:output`), its output
 * files, and its logs, followed through the run's log stream while the run goes
 * (`GET /v1/runs/:id/logs?step=`: pushed, each chunk once; nothing is read again).
 */
import { useEffect, useState } from 'preact/hooks';
import type { RunView, StepView } from '../../../src/run/run-view.ts';
import { attemptLabel } from '../../../src/run/attempt-label.ts';
import { api, isFinalRefusal, type ApiError } from '../api.ts';
import { followLog } from '../events.ts';
import type { RunState } from '../run-state.ts';
import { duration, when } from './format.ts';

type StepRecord = StepView & { exitCode?: number | null; durationMs?: number | null; item?: unknown; image?: string };

export function StepPanel({ runId, step, state, inputs, onClose }: { runId: string; step: string; state: RunState; inputs?: Record<string, string>; onClose: () => void }) {
  const status = state.status(step).value;
  const [record, setRecord] = useState<StepRecord>();
  const [logs, setLogs] = useState('');
  const [files, setFiles] = useState<Array<{ name: string; size?: number }>>();
  const base = `/v1/runs/${encodeURIComponent(runId)}`;
  const stepPath = `${base}/steps/${step.split('/').map(encodeURIComponent).join('/')}`;

  // What the API refused for good (the run deleted while its page was open): said, not left as dashes.
  const [refused, setRefused] = useState<string>();
  useEffect(() => {
    let live = true;
    setRefused(undefined);
    void api<RunView>(base).then((v) => live && setRecord(v.steps[step] as StepRecord)).catch((e: ApiError) => live && isFinalRefusal(e.status) && setRefused(e.message));
    void api<{ artifacts?: Array<{ name: string; size?: number }> }>(`${stepPath}/artifacts`).then((a) => live && setFiles(a.artifacts)).catch(() => live && setFiles(undefined));
    return () => void (live = false);
  }, [step, status]);

  // The log as kept, then each chunk as the step writes it, until the run ends; a step that
  // runs again after that (a retry) is followed again.
  const [following, setFollowing] = useState(true);
  const [round, setRound] = useState(0);
  useEffect(() => {
    if (status === 'running' && !following) setRound((r) => r + 1);
  }, [status]);
  useEffect(() => {
    setLogs('');
    setFollowing(true);
    let text = '';
    const f = followLog(runId, step, (chunk) => setLogs((text += chunk)), () => setFollowing(false), (e) => {
      setFollowing(false);
      setRefused(e.message);
    });
    return () => f.stop();
  }, [runId, step, round]);

  const r = record;
  return (
    <aside class="step-panel" data-panel-step={step}>
      <header>
        <h2><code>{step}</code></h2>
        <button class="close" onClick={onClose} aria-label="close">×</button>
      </header>
      {refused && <p class="error" data-panel-refused>{refused}</p>}
      <dl>
        <dt>status</dt><dd><span class={`badge s-${status}`} data-panel-status={status}>{status}</span>{status === 'superseded' && r?.was && <span class="muted"> (an earlier attempt's: {r.was})</span>}</dd>
        {/* The engine's attempt (a retry raises it), and `(run 2)` when it was run again after a takeover: not shown as a retry. */}
        <dt>attempt</dt><dd data-panel-attempt>{r ? attemptLabel(r) : '—'}</dd>
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
      <h3>inputs</h3>
      {inputs && Object.keys(inputs).length > 0 ? (
        <ul class="inputs">
          {Object.entries(inputs).map(([name, from]) => <li key={name} data-input={name}><code>{name}</code> ← <code>{from}</code></li>)}
        </ul>
      ) : <p class="muted">none declared</p>}
      <h3>files</h3>
      {files ? (
        files.length === 0 ? <p class="muted">none</p> : (
          <ul class="files">
            {files.map((f) => <li key={f.name}><code>{f.name}</code>{f.size !== undefined ? ` ${f.size} B` : ''}</li>)}
          </ul>
        )
      ) : <p class="muted">not listed by this server</p>}
      <h3>logs {following && status === 'running' && <span class="muted">(following)</span>}</h3>
      <pre class="logs">{logs || '—'}</pre>
    </aside>
  );
}
