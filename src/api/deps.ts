/** What the HTTP API needs, passed in explicitly (no globals). */
import type { Redis } from 'ioredis';
import type { Rule } from '../rules/rule-document.ts';
import type { Generator } from '../rules/generator.ts';
import type { DefinitionsStore } from '../store/definitions-store.ts';
import type { RunsPort } from './runs-port.ts';
import { rulesInForce } from '../store/builtin-rules.ts';

export interface ApiDeps {
  defs: DefinitionsStore;
  builtinRules: Rule[];
  generators: ReadonlyMap<string, Generator>;
  redis: Redis;
  runs?: RunsPort;
  maxBodyBytes: number;
  tokens: string[];
  /** request lines and internal errors (pino; silent when absent) */
  logger?: LogPort;
  /** BullMQ's metrics text for the step queue, appended to /metrics */
  queueMetrics?: () => Promise<string>;
}

/** The part of a pino logger the API uses. */
export interface LogPort {
  info(fields: object, message: string): void;
  debug(fields: object, message: string): void;
  error(fields: object, message: string): void;
}

/** Built-in rules shadowed by user rules of the same name. */
export function allRules(deps: ApiDeps): Promise<Rule[]> {
  return rulesInForce(deps.defs, deps.builtinRules);
}
