/**
 * Definitions in Redis: rules, flows (immutable per version) and datasets with the plan
 * made for them. Key layout in docs/redis.md; every key starts with the store's prefix.
 */
import type { Redis } from 'ioredis';
import type { Dataset } from '../dataset/dataset-document.ts';
import { StrataError } from '../errors/strata-error.ts';
import type { FlowDocument } from '../flow/types.ts';
import type { FlowRegistry } from '../plan/flow-registry.ts';
import type { Rule } from '../rules/rule-document.ts';
import { usesOf } from '../flow/uses.ts';
import { appendAll } from '../flow/append-all.ts';
import { callScript } from './lua-scripts.ts';
import { cutParts, stageParts } from './value-parts.ts';
import { ARGO_VERSION, WORKFLOW_TEMPLATE } from '../argo/flow-marks.ts';

export interface StoredDataset {
  dataset: Dataset;
  flow: string | null;
  ingestedAt: string;
}

function toStoredDataset(s: string): StoredDataset {
  const v = JSON.parse(s) as { dataset: Dataset; flow: string | null; at: number };
  return { dataset: v.dataset, flow: v.flow, ingestedAt: new Date(v.at).toISOString() };
}

export class DefinitionsStore implements FlowRegistry {
  constructor(
    private readonly redis: Redis,
    private readonly prefix = 'strata:',
  ) {}

  private k(s: string): string {
    return this.prefix + s;
  }

  /** Store a rule: created, updated, or unchanged when the same document is already there (the words flows use). */
  async putRule(rule: Rule): Promise<'created' | 'updated' | 'unchanged'> {
    return this.putRuleJson(rule.metadata.name, JSON.stringify(rule));
  }

  /** Store a validated rule already serialized (by the API's worker threads). */
  async putRuleJson(name: string, json: string): Promise<'created' | 'updated' | 'unchanged'> {
    const r = await callScript<number>(this.redis, 'rulePut', [this.k('rules')], [name, json]);
    return r === 1 ? 'created' : r === 2 ? 'updated' : 'unchanged';
  }

  async getRule(name: string): Promise<Rule | undefined> {
    const s = await this.redis.hget(this.k('rules'), name);
    return s ? (JSON.parse(s) as Rule) : undefined;
  }

  async listRules(): Promise<Rule[]> {
    const all = await this.redis.hvals(this.k('rules'));
    return all.map((s) => JSON.parse(s) as Rule);
  }

  async deleteRule(name: string): Promise<boolean> {
    return (await this.redis.hdel(this.k('rules'), name)) === 1;
  }

  /** Register a flow version: created, or unchanged when the same document is already there; 409 otherwise. */
  async registerFlow(flow: FlowDocument): Promise<'created' | 'unchanged'> {
    return this.registerFlowJson(flow.metadata.name, flow.metadata.version, JSON.stringify(flow));
  }

  /**
   * Register a validated flow already serialized (by the API's worker threads); it becomes the
   * flow's latest version. `json`: its JSON, or that JSON's UTF-8 bytes (a generated flow of
   * tens of MB, encoded once in its task: sent as they are, neither measured nor encoded again).
   */
  async registerFlowJson(name: string, version: string, json: string | Uint8Array): Promise<'created' | 'unchanged'> {
    // Bytes that crossed from a worker thread are a Uint8Array: seen as a Buffer (no copy), which the client sends as it is.
    const value = typeof json === 'string' ? json : Buffer.from(json.buffer, json.byteOffset, json.byteLength);
    const r = await callScript<number>(this.redis, 'flowRegister', [this.k(`flow:${name}`), this.k('flows'), this.k('flows:latest')], [version, value, name]);
    if (r === -1) throw new StrataError('conflict', `flow ${name}@${version} ${otherContent(name, version, value.toString())}`, { ref: `${name}@${version}` });
    return r === 1 ? 'created' : 'unchanged';
  }

  async get(ref: string): Promise<FlowDocument | undefined> {
    const at = ref.lastIndexOf('@');
    if (at <= 0) return undefined;
    const s = await this.redis.hget(this.k(`flow:${ref.slice(0, at)}`), ref.slice(at + 1));
    return s ? (JSON.parse(s) as FlowDocument) : undefined;
  }

  async flowVersions(name: string): Promise<FlowDocument[]> {
    const all = await this.redis.hvals(this.k(`flow:${name}`));
    return all.map((s) => JSON.parse(s) as FlowDocument);
  }

  /** The version of a flow registered last (a new one, or the same document again); undefined when it was deleted since. */
  async latestFlowVersion(name: string): Promise<string | undefined> {
    return (await this.redis.hget(this.k('flows:latest'), name)) ?? undefined;
  }

  async listFlows(): Promise<Array<{ name: string; versions: string[] }>> {
    const names = (await this.redis.smembers(this.k('flows'))).sort();
    const versions = await Promise.all(names.map((n) => this.redis.hkeys(this.k(`flow:${n}`))));
    return names.map((name, i) => ({ name, versions: versions[i].sort() }));
  }

  /** Remove versions of a flow (all when none is named); the number removed. */
  async deleteFlow(name: string, versions: string[]): Promise<number> {
    if (versions.length === 0) return 0;
    return callScript<number>(this.redis, 'flowDelete', [this.k(`flow:${name}`), this.k('flows'), this.k('flows:latest')], [name, ...versions]);
  }

  /** Every version of every registered flow. */
  async allFlows(): Promise<FlowDocument[]> {
    const out: FlowDocument[] = [];
    for (const name of await this.redis.smembers(this.k('flows'))) appendAll(out, await this.flowVersions(name));
    return out;
  }

  /** Which registered flows and rules use any of `refs` (`name@version`): `flow a@1` / `rule r`. */
  async usersOf(refs: string[]): Promise<string[]> {
    const wanted = new Set(refs);
    const users: string[] = [];
    for (const { name, versions } of await this.listFlows()) {
      const docs = (await this.redis.call('HMGET', [this.k(`flow:${name}`), ...versions])) as Array<string | null>;
      docs.forEach((d, i) => {
        const ref = `${name}@${versions[i]}`;
        if (d && !wanted.has(ref) && usesOf((JSON.parse(d) as FlowDocument).spec).some((u) => wanted.has(u))) users.push(`flow ${ref}`);
      });
    }
    for (const r of await this.listRules()) if (usesOf(r.spec.emit).some((u) => wanted.has(u))) users.push(`rule ${r.metadata.name}`);
    return users;
  }

  async putDataset(dataset: Dataset, flowRef: string | undefined): Promise<void> {
    await this.putDatasetJson(dataset.metadata.name, JSON.stringify(dataset), flowRef);
  }

  /** Store a validated Dataset already serialized (by the API's worker threads). */
  async putDatasetJson(name: string, datasetJson: string, flowRef: string | undefined): Promise<void> {
    await this.redis.hset(this.k('datasets'), name, `{"dataset":${datasetJson},"flow":${JSON.stringify(flowRef ?? null)},"at":${Date.now()}}`);
  }

  /** A stored Dataset: the document of its last ingest, the flow generated for it, when (ISO time). */
  async getDataset(name: string): Promise<StoredDataset | undefined> {
    const s = await this.redis.hget(this.k('datasets'), name);
    return s ? toStoredDataset(s) : undefined;
  }

  /** Every stored Dataset's name, labels, shape, flow and time of ingest, by name. */
  async listDatasets(): Promise<Array<{ name: string; labels: Record<string, string>; shape: string; flow: string | null; ingestedAt: string }>> {
    const all = await this.redis.hgetall(this.k('datasets'));
    return Object.keys(all).sort().map((name) => {
      const d = toStoredDataset(all[name]);
      return { name, labels: d.dataset.metadata.labels ?? {}, shape: d.dataset.spec.shape, flow: d.flow, ingestedAt: d.ingestedAt };
    });
  }

  /**
   * Keep a compiled plan by flow ref (plans are deterministic for a flow version), as a list
   * of parts of at most PART_BYTES (value-parts.ts): a 100,000-node tree's is tens of MB,
   * which one SET would carry at once. Staged part by part, then renamed into place with its
   * expiry taken away, in one MULTI. `plan`: the Plan document's JSON, or its UTF-8 bytes
   * (POST /v1/datasets answers with the same bytes: encoded once).
   */
  async putPlan(ref: string, plan: string | Uint8Array): Promise<void> {
    const key = this.k(`plan:${ref}`);
    const staged = await stageParts(this.redis, key, cutParts(plan));
    const done = await this.redis.multi().rename(staged, key).persist(key).exec();
    if (done?.[0]?.[0]) throw done[0][0];
  }
}

/**
 * Why flow `name@version` (its document `json`) cannot be registered over the one of that
 * version there is, and what to do. A flow made from an Argo document is versioned by the
 * document's digest, so the same document imported by a strata that makes it otherwise (an
 * older one, after an upgrade) has the same version and other content: no new version can be
 * given, so the registered flows are deleted (a WorkflowTemplate's whole, by its name, which
 * its WORKFLOW_TEMPLATE annotation holds: src/argo/flow-marks.ts) and applied again.
 */
function otherContent(name: string, version: string, json: string): string {
  if (!ARGO_VERSION.test(version)) return 'is already registered with other content; versions are immutable, register a new version';
  const annotations = (JSON.parse(json) as { metadata?: { annotations?: Record<string, string> } }).metadata?.annotations;
  const whole = annotations?.[WORKFLOW_TEMPLATE] ?? name;
  return `is registered already from the same Argo document (its version is the document's digest) by a strata that made it otherwise, an older one: versions are immutable, so delete it (strata flows delete ${whole}) and apply the document again`;
}
