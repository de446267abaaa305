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
import { callScript } from './lua-scripts.ts';

export class DefinitionsStore implements FlowRegistry {
  constructor(
    private readonly redis: Redis,
    private readonly prefix = 'strata:',
  ) {}

  private k(s: string): string {
    return this.prefix + s;
  }

  async putRule(rule: Rule): Promise<'created' | 'updated'> {
    const n = await this.redis.hset(this.k('rules'), rule.metadata.name, JSON.stringify(rule));
    return n === 1 ? 'created' : 'updated';
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
    const { name, version } = flow.metadata;
    const r = await callScript<number>(this.redis, 'flowRegister', [this.k(`flow:${name}`), this.k('flows')], [version, JSON.stringify(flow), name]);
    if (r === -1) throw new StrataError('conflict', `flow ${name}@${version} is already registered with other content; versions are immutable, register a new version`, { ref: `${name}@${version}` });
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

  async listFlows(): Promise<Array<{ name: string; versions: string[] }>> {
    const names = (await this.redis.smembers(this.k('flows'))).sort();
    const versions = await Promise.all(names.map((n) => this.redis.hkeys(this.k(`flow:${n}`))));
    return names.map((name, i) => ({ name, versions: versions[i].sort() }));
  }

  async putDataset(dataset: Dataset, flowRef: string | undefined): Promise<void> {
    await this.redis.hset(this.k('datasets'), dataset.metadata.name, JSON.stringify({ dataset, flow: flowRef ?? null, at: Date.now() }));
  }

  /** Keep a compiled plan by flow ref (plans are deterministic for a flow version). */
  async putPlan(ref: string, planJson: string): Promise<void> {
    await this.redis.set(this.k(`plan:${ref}`), planJson);
  }
}
