/**
 * The registry: flows with their versions and where each is used (by other flows' `use`
 * and by rules that emit one), rules in the order they are tried (priority, then name),
 * generators with their parameters (where the API lists them).
 */
import { useEffect, useState } from 'preact/hooks';
import { api } from '../api.ts';
import { stringify } from './yaml-text.ts';

interface Doc {
  metadata: { name: string; version?: string };
  spec: Record<string, unknown> & { priority?: number; when?: unknown; emit?: unknown };
  builtin?: boolean;
}

/** Every `use: name@version` inside a document. */
export function usesOf(value: unknown, out = new Set<string>()): Set<string> {
  if (Array.isArray(value)) for (const v of value) usesOf(v, out);
  else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      if (k === 'use' && typeof v === 'string') out.add(v);
      else usesOf(v, out);
    }
  }
  return out;
}

export function FlowsPage({ name }: { name?: string }) {
  const [flows, setFlows] = useState<Array<{ name: string; versions: Doc[] }>>();
  const [rules, setRules] = useState<Doc[]>([]);
  const [error, setError] = useState<string>();
  useEffect(() => {
    api<{ flows: Array<{ name: string; versions: string[] }> }>('/v1/flows')
      .then((l) => Promise.all(l.flows.map((f) => api<{ name: string; versions: Doc[] }>(`/v1/flows/${encodeURIComponent(f.name)}`))))
      .then(setFlows)
      .catch((e: Error) => setError(e.message));
    api<{ rules: Doc[] }>('/v1/rules').then((r) => setRules(r.rules)).catch(() => undefined);
  }, []);
  if (error) return <p class="error">{error}</p>;
  if (!flows) return <p class="muted">…</p>;
  const usedBy = new Map<string, string[]>();
  const note = (ref: string, by: string) => usedBy.set(ref, [...(usedBy.get(ref) ?? []), by]);
  for (const f of flows) for (const v of f.versions) for (const ref of usesOf(v.spec)) note(ref, `flow ${f.name}@${v.metadata.version}`);
  for (const r of rules) for (const ref of usesOf(r.spec.emit)) note(ref, `rule ${r.metadata.name}`);
  const shown = name ? flows.filter((f) => f.name === name) : flows;
  return (
    <div class="flows-page">
      <h1>Flows{name ? <> · <code>{name}</code></> : ''}</h1>
      {shown.length === 0 && <p class="muted">{name ? `no flow named ${name}` : 'no flows registered'}</p>}
      {shown.map((f) => (
        <section key={f.name} class="flow" data-flow={f.name}>
          <h2><a href={`/ui/flows/${encodeURIComponent(f.name)}`}>{f.name}</a></h2>
          <table>
            <thead><tr><th>version</th><th>uses</th><th>used by</th></tr></thead>
            <tbody>
              {f.versions.map((v) => {
                const ref = `${f.name}@${v.metadata.version}`;
                return (
                  <tr key={ref} data-flow-version={ref}>
                    <td><code>{v.metadata.version}</code></td>
                    <td>{[...usesOf(v.spec)].map((u) => <span key={u} class="chip">{u}</span>)}</td>
                    <td class="used-by">{(usedBy.get(ref) ?? []).map((u) => <span key={u} class="chip">{u}</span>)}{!usedBy.get(ref) && <span class="muted">—</span>}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
          {name && f.versions.map((v) => <details key={v.metadata.version}><summary>{f.name}@{v.metadata.version}</summary><pre>{stringify(v)}</pre></details>)}
        </section>
      ))}
    </div>
  );
}

export function RulesPage() {
  const [rules, setRules] = useState<Doc[]>();
  const [error, setError] = useState<string>();
  useEffect(() => {
    api<{ rules: Doc[] }>('/v1/rules').then((r) => setRules(r.rules)).catch((e: Error) => setError(e.message));
  }, []);
  if (error) return <p class="error">{error}</p>;
  if (!rules) return <p class="muted">…</p>;
  // The order matching tries them in: higher priority first, ties by name.
  const sorted = [...rules].sort((a, b) => (b.spec.priority ?? 0) - (a.spec.priority ?? 0) || a.metadata.name.localeCompare(b.metadata.name));
  return (
    <div class="rules-page">
      <h1>Rules, in the order tried</h1>
      <table class="rules">
        <thead><tr><th>#</th><th>rule</th><th>priority</th><th>when</th><th>emits</th></tr></thead>
        <tbody>
          {sorted.map((r, i) => (
            <tr key={r.metadata.name} data-rule={r.metadata.name}>
              <td>{i + 1}</td>
              <td>{r.metadata.name}{r.builtin && <span class="chip">built in</span>}</td>
              <td>{r.spec.priority ?? 0}</td>
              <td><code class="reason">{JSON.stringify(r.spec.when)}</code></td>
              <td><pre class="emit">{stringify(r.spec.emit)}</pre></td>
            </tr>
          ))}
        </tbody>
      </table>
      <GeneratorsSection />
    </div>
  );
}

interface GeneratorInfo {
  name: string;
  description?: string;
  parameters?: { properties?: Record<string, { type?: string | string[]; description?: string; enum?: unknown[]; default?: unknown }>; required?: string[] };
}

export function GeneratorsSection() {
  const [gens, setGens] = useState<GeneratorInfo[]>();
  const [error, setError] = useState<string>();
  useEffect(() => {
    api<{ generators: GeneratorInfo[] }>('/v1/generators').then((g) => setGens(g.generators)).catch((e: Error) => setError(e.message));
  }, []);
  return (
    <section class="generators">
      <h2 id="generators">Generators</h2>
      {error && <p class="muted">generators are not listed by this server ({error})</p>}
      {gens?.map((g) => (
        <div key={g.name} class="generator" data-generator={g.name}>
          <h3>{g.name}</h3>
          {g.description && <p>{g.description}</p>}
          <table>
            <thead><tr><th>parameter</th><th>type</th><th>meaning</th></tr></thead>
            <tbody>
              {Object.entries(g.parameters?.properties ?? {}).map(([k, p]) => (
                <tr key={k}>
                  <td><code>{k}</code>{g.parameters?.required?.includes(k) ? ' *' : ''}</td>
                  <td>{p.enum ? p.enum.map(String).join(' | ') : [p.type ?? 'any'].flat().join(' | ')}{p.default !== undefined ? ` (default ${JSON.stringify(p.default)})` : ''}</td>
                  <td>{p.description ?? ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ))}
    </section>
  );
}
