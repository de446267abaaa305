/** What the HTTP API needs, passed in explicitly (no globals). */
import type { Redis } from 'ioredis';
import type { Rule } from '../rules/rule-document.ts';
import type { Generator } from '../rules/generator.ts';
import type { DefinitionsStore } from '../store/definitions-store.ts';
import type { RunsPort } from './runs-port.ts';

export interface ApiDeps {
  defs: DefinitionsStore;
  builtinRules: Rule[];
  generators: ReadonlyMap<string, Generator>;
  redis: Redis;
  runs?: RunsPort;
  maxBodyBytes: number;
  tokens: string[];
  log?: (e: unknown) => void;
}

/** Built-in rules shadowed by user rules of the same name. */
export async function allRules(deps: ApiDeps): Promise<Rule[]> {
  const user = await deps.defs.listRules();
  const names = new Set(user.map((r) => r.metadata.name));
  return [...deps.builtinRules.filter((r) => !names.has(r.metadata.name)), ...user];
}
