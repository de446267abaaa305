/** `strata rules|flows|datasets|generators|schedules list|get`, `strata rules|flows|schedules delete`, and `strata explain DATASET`. */
import { StrataError } from '../errors/strata-error.ts';
import type { Client } from './api-client.ts';
import { age, labelText, outputFormat, serialize, table } from './output.ts';
import { anchorLocation } from '../dataset/dataset-location.ts';
import type { Dataset } from '../dataset/dataset-document.ts';

type Out = (s: string) => void;
type Row = Record<string, any>;

export const KINDS = ['rules', 'flows', 'datasets', 'generators', 'schedules'] as const;
export type Kind = (typeof KINDS)[number];

/**
 * The path of one named thing of `kind`: an empty name is refused here (exit 2), since its
 * path would be the list's; the API checks the name's form (404 naming the form).
 */
function onePath(kind: Kind, name: string): string {
  if (name === '') throw new StrataError('invalid_request', `${kind.slice(0, -1)} "": the name is empty`);
  return VIEWS[kind].one(name);
}

/** Per kind: where the list is, how its rows print, and the path of one. */
const VIEWS: Record<Kind, { list: string; key: string; header: string[]; row: (r: Row) => string[]; one: (name: string) => string; order?: (a: Row, b: Row) => number }> = {
  rules: {
    list: '/v1/rules', key: 'rules', header: ['name', 'priority', 'emits', 'built-in'],
    // In the order they are tried (src/rules/match-rules.ts ruleOrder, not loaded here to keep the CLI quick): higher priority first, ties by name.
    order: (a, b) => b.spec.priority - a.spec.priority || (a.metadata.name < b.metadata.name ? -1 : a.metadata.name > b.metadata.name ? 1 : 0),
    row: (r) => [r.metadata.name, String(r.spec.priority), r.spec.emit.generator ? `generator ${r.spec.emit.generator}` : 'flow node', r.builtin ? 'yes' : ''],
    one: (n) => `/v1/rules/${encodeURIComponent(n)}`,
  },
  flows: {
    list: '/v1/flows', key: 'flows', header: ['name', 'versions'],
    row: (r) => [r.name, r.versions.join(', ')],
    one: (n) => {
      const at = n.lastIndexOf('@');
      if (at < 0) return `/v1/flows/${encodeURIComponent(n)}`;
      // `x@` would be the path /v1/flows/x/, which no route has: say what is missing instead.
      if (at === n.length - 1 || at === 0) throw new StrataError('invalid_request', `flow "${n}": the ${at === 0 ? 'name before' : 'version after'} "@" is empty; give NAME or NAME@VERSION`);
      return `/v1/flows/${encodeURIComponent(n.slice(0, at))}/${encodeURIComponent(n.slice(at + 1))}`;
    },
  },
  datasets: {
    list: '/v1/datasets', key: 'datasets', header: ['name', 'shape', 'flow', 'age', 'labels'],
    row: (r) => [r.name, r.shape, r.flow ?? '', age(r.ingestedAt), labelText(r.labels)],
    one: (n) => `/v1/datasets/${encodeURIComponent(n)}`,
  },
  generators: {
    list: '/v1/generators', key: 'generators', header: ['name', 'parameters', 'description'],
    row: (r) => [r.name, Object.keys(r.parameters?.properties ?? {}).join(','), r.description],
    one: (n) => `/v1/generators/${encodeURIComponent(n)}`,
  },
  schedules: {
    list: '/v1/schedules', key: 'schedules', header: ['name', 'schedule', 'timezone', 'starts', 'policy', 'next', 'last run', 'last tick'],
    // `last tick`: what the last tick did (fired, skipped, missed, failed: why in `strata schedules get`).
    row: (r) => [r.metadata.name, r.spec.schedule, r.spec.timeZone ?? 'UTC', r.spec.use ?? `dataset ${r.spec.dataset?.metadata?.name ?? ''}`, r.spec.concurrencyPolicy ?? 'Allow', r.status?.nextRunAt ?? '', r.status?.lastRunId ?? '', r.status?.lastOutcome ?? ''],
    one: (n) => `/v1/schedules/${encodeURIComponent(n)}`,
  },
};

/** `strata KIND list [-o wide|json|yaml|name]` */
export async function listKind(client: Client, kind: Kind, o: { output?: string }, out: Out): Promise<void> {
  const format = outputFormat(o.output);
  const v = VIEWS[kind];
  const body = await client.call('GET', v.list);
  if (format === 'json' || format === 'yaml') return out(await serialize(body, format));
  const rows = [...((body[v.key] ?? []) as Row[])].sort(v.order ?? (() => 0));
  if (format === 'name') return out(rows.map((r) => v.row(r)[0]).join('\n'));
  out(rows.length === 0 ? `no ${kind}` : table(v.header, rows.map(v.row)));
}

/** `strata KIND get NAME [-o json|yaml]`: the document as the API has it (YAML unless -o json). */
export async function getKind(client: Client, kind: Kind, name: string, o: { output?: string }, out: Out): Promise<void> {
  const format = outputFormat(o.output, ['table', 'json', 'yaml']);
  let body: unknown;
  if (kind === 'generators') {
    // There is no route for one generator: it is one entry of the list.
    body = ((await client.call('GET', '/v1/generators')).generators as Row[]).find((g) => g.name === name);
    if (!body) throw new StrataError('not_found', `no generator named "${name}"`);
  } else body = await client.call('GET', onePath(kind, name));
  out(await serialize(body, format === 'json' ? 'json' : 'yaml'));
}

/** The kinds the API deletes one of by name. */
export const DELETABLE = ['rules', 'flows', 'schedules'] as const;

/**
 * `strata rules|flows|schedules delete NAME...`: each through `DELETE` on its path (a flow's
 * every version, or `name@version` one); a flow still used is refused (409, exit 2) naming
 * who uses it, as the API says.
 */
export async function deleteKind(client: Client, kind: (typeof DELETABLE)[number], names: string[], out: Out): Promise<void> {
  for (const name of names) {
    const r = (await client.call('DELETE', onePath(kind, name))) as { deleted: string | string[] };
    for (const d of Array.isArray(r.deleted) ? r.deleted : [r.deleted]) out(`${kind.slice(0, -1)} ${d} deleted`);
  }
}

/** `strata explain DATASET_FILE`: every rule tried, matched or not and why, and the plan's size. */
export async function explain(client: Client, file: string, o: { output?: string }, out: Out): Promise<number> {
  const format = outputFormat(o.output, ['table', 'json', 'yaml']);
  const { readDocuments } = await import('./local-flows.ts');
  const ds = readDocuments([file]).find((d) => (d.doc as { kind?: string })?.kind === 'Dataset');
  if (!ds) throw new StrataError('invalid_document', `${file}: no Dataset document found`);
  // As apply sends it: a relative file:// location made the CLI's working directory's.
  const r = await client.call('POST', '/v1/rules/explain', anchorLocation(ds.doc as Dataset, process.cwd()));
  if (format === 'json' || format === 'yaml') {
    out(await serialize(r, format));
    return r.chosen ? 0 : 3;
  }
  const rows = (r.rules as Row[]).map((t) => [t.name, String(t.priority), t.matched ? 'matched' : 'no', t.reason ?? '']);
  out(table(['rule', 'priority', 'matched', 'reason'], rows));
  if (r.chosen) out(`chosen: ${r.chosen}${r.plan ? ` -> ${r.plan.stepCount} steps` : ''}${r.error ? ` (the plan failed: ${r.error.message})` : ''}`);
  else out('no rule matched');
  return r.chosen && !r.error ? 0 : 3;
}
