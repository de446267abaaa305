/** What the HTTP API needs, passed in explicitly (no globals). */
import type { Context } from 'hono';
import type { Redis } from 'ioredis';
import type { Rule } from '../rules/rule-document.ts';
import type { Generator } from '../rules/generator.ts';
import type { DefinitionsStore } from '../store/definitions-store.ts';
import { readRawBody } from './body.ts';
import type { CpuPool } from './cpu/cpu-pool.ts';
import type { TaskInput } from './cpu/tasks.ts';
import type { TriggerStore } from '../store/trigger-store.ts';
import type { RunsPort } from '../coordinator/runs-port.ts';
import type { ParamsLimits } from '../flow/params-limits.ts';
import type { Limits } from '../flow/limits.ts';
import { rulesInForce } from '../store/builtin-rules.ts';

export interface ApiDeps {
  defs: DefinitionsStore;
  /** schedules and hooks */
  triggers: TriggerStore;
  builtinRules: Rule[];
  generators: ReadonlyMap<string, Generator>;
  /** a connection that fails fast while Redis is away (redis-connection.ts, `requests: true`) */
  redis: Redis;
  runs?: RunsPort;
  /** bytes of a request body */
  maxBodyBytes: number;
  /** bytes of a YAML request body (YAML costs far more to parse than JSON); maxBodyBytes / 8 when unset */
  maxYamlBytes?: number;
  tokens: string[];
  /** request lines and internal errors (pino; silent when absent) */
  logger?: LogPort;
  /** BullMQ's metrics text for the step queue, appended to /metrics */
  queueMetrics?: () => Promise<string>;
  /** the Redis key prefix (STRATA_PREFIX; `strata` when unset) */
  prefix?: string;
  /** where parsing and planning run: worker threads in a service; this thread when unset */
  cpu?: CpuPool;
  /** origins (`https://host:port`) whose pages may call the API (CORS); none when unset */
  allowedOrigins?: string[];
  /** bounds on parameters of hook calls (the CPU pool's tasks get theirs from its workerData) */
  paramsLimits?: ParamsLimits;
  /** size limits of documents, plans and runs (DEFAULT_LIMITS when unset; a thread pool's tasks get theirs from its workerData) */
  sizeLimits?: Limits;
  /** the built web UI (ui/dist); pages answer 503 while it is not built */
  uiDir?: string;
}

/** The part of a pino logger the API uses. */
export interface LogPort {
  info(fields: object, message: string): void;
  debug(fields: object, message: string): void;
  error(fields: object, message: string): void;
}

/** The deps as routes see them: every default filled in. */
export type RouteDeps = ApiDeps & { cpu: CpuPool; prefix: string };

/** Built-in rules shadowed by user rules of the same name. */
export function allRules(deps: ApiDeps): Promise<Rule[]> {
  return rulesInForce(deps.defs, deps.builtinRules);
}

/** A CPU task's input from a request: the body's bytes and the query. */
export async function taskInput(c: Context): Promise<TaskInput> {
  return { body: await readRawBody(c), query: c.req.query() };
}

export const JSON_TYPE = { 'content-type': 'application/json; charset=utf-8' } as const;
