/**
 * `strata apply FILE... [--run] [--watch]`: send documents to a running strata. Flows go
 * first (they are units others use), then rules, then datasets; `--run` runs each
 * Dataset (and each Flow when the files hold no Dataset), `--watch` follows the runs.
 */
import { StrataError } from '../errors/strata-error.ts';
import type { Client } from './api-client.ts';
import { importDocuments, looksLikeArgo, readArgoFiles, readText } from './argo-files.ts';
import { readDocuments } from './local-flows.ts';
import { summarize, watchRun } from './watch.ts';

// Schedules and hooks after flows (they name one), datasets last (they may run).
const ORDER = ['Flow', 'Rule', 'Schedule', 'Hook', 'Dataset'];

/** `opts.param` (`-p`) goes to the runs of Flows (a Dataset's flow takes its parameters from its rule). */
export async function applyCommand(files: string[], opts: { run?: boolean; watch?: boolean; param?: Record<string, unknown> }, client: Client, out: (s: string) => void): Promise<number> {
  // Argo files are read as Argo reads them and become flows (docs/argo.md): a
  // WorkflowTemplate's units are registered first, and each Workflow is a run, as in Argo.
  const argoFiles = files.filter((f) => looksLikeArgo(readText(f)));
  const argo = argoFiles.length > 0 ? await importDocuments(readArgoFiles(argoFiles), client) : { units: [], workflows: [] };
  const docs = readDocuments(files.filter((f) => !argoFiles.includes(f))).map((d) => ({ ...d, kind: (d.doc as { kind?: string })?.kind }));
  for (const d of docs) {
    if (!ORDER.includes(d.kind as string)) throw new StrataError('invalid_document', `${d.file}#${d.index}: kind must be Flow, Rule, Schedule, Hook or Dataset, not ${JSON.stringify(d.kind)}`);
  }
  docs.sort((a, b) => ORDER.indexOf(a.kind!) - ORDER.indexOf(b.kind!));
  const hasDataset = docs.some((d) => d.kind === 'Dataset');
  const runs: string[] = [];
  for (const unit of argo.units) {
    const r = await client.call('POST', '/v1/flows', unit);
    out(`flow ${r.name}@${r.version} ${r.outcome} (Argo WorkflowTemplate)`);
  }
  for (const d of docs) {
    const name = (d.doc as { metadata?: { name?: string } }).metadata?.name;
    if (d.kind === 'Flow') {
      const r = await client.call('POST', '/v1/flows', d.doc);
      out(`flow ${r.name}@${r.version} ${r.outcome}`);
      if (opts.run && !hasDataset) {
        const run = await client.call('POST', '/v1/runs', { flow: d.doc, ...(opts.param ? { params: opts.param } : {}) });
        out(`run ${run.runId} started for flow ${r.name}@${r.version}`);
        runs.push(run.runId);
      }
    } else if (d.kind === 'Rule') {
      const r = await client.call('POST', '/v1/rules', d.doc);
      out(`rule ${name} ${r.outcome}`);
    } else if (d.kind === 'Schedule') {
      const r = await client.call('POST', '/v1/schedules', d.doc);
      out(`schedule ${name} ${r.outcome}`);
    } else if (d.kind === 'Hook') {
      const r = await client.call('POST', '/v1/hooks', d.doc);
      out(`hook ${name} ${r.outcome}: POST ${client.base}${r.url} with Authorization: Bearer ${r.token}`);
    } else {
      const r = await client.call('POST', `/v1/datasets${opts.run ? '?run=true' : ''}`, d.doc);
      out(`dataset ${name}: rules ${r.matchedRules.join(', ')} -> flow ${r.flow.name}@${r.flow.version} (${r.plan.stepCount} steps)`);
      if (r.runId) {
        out(`run ${r.runId} started`);
        runs.push(r.runId);
      }
    }
  }
  for (const wf of argo.workflows) {
    const run = await client.call('POST', '/v1/runs', { flow: wf, ...(opts.param ? { params: opts.param } : {}) });
    out(`run ${run.runId} started for Argo Workflow ${wf.metadata.name}`);
    runs.push(run.runId);
  }
  let failed = 0;
  if (opts.watch) {
    for (const id of runs) {
      const run = await watchRun(client, id, out, { note: (s) => void process.stderr.write(`${s}\n`) });
      out(summarize(run));
      if (run.status !== 'succeeded') failed++;
    }
  }
  return failed > 0 ? 1 : 0;
}
