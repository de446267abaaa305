/** Configuration from the environment (DESIGN.md section 5). */
import { resolve } from 'node:path';
import { parseTokens } from '../api/auth.ts';
import { StrataError } from '../errors/strata-error.ts';

export interface Config {
  port: number;
  host: string;
  redisUrl: string | undefined;
  home: string;
  runtime: 'local' | 'kubernetes';
  tokens: string[];
  maxBodyBytes: number;
  workerConcurrency: number;
  prefix: string;
  /** BullMQ lock of a running step job: a killed worker's job runs again after this */
  lockDurationMs: number;
  /** directories file:// cycle sources may be read from (STRATA_FILE_ROOTS, ':'-separated); unset: any */
  fileRoots: string[] | undefined;
  /** the local runtime's image map file (STRATA_IMAGE_MAP) */
  imageMap: string | undefined;
  stalledIntervalMs: number;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const port = Number(env.PORT ?? 8080);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new StrataError('invalid_request', `PORT must be a port number, not "${env.PORT}"`);
  const runtime = (env.STRATA_RUNTIME ?? 'local') as Config['runtime'];
  if (runtime !== 'local' && runtime !== 'kubernetes') throw new StrataError('invalid_request', `STRATA_RUNTIME must be local or kubernetes, not "${runtime}"`);
  const tokens = parseTokens(env.STRATA_API_TOKENS);
  const concurrency = Number(env.STRATA_WORKER_CONCURRENCY ?? 4);
  return {
    port,
    // Without tokens the API is open, so it listens on loopback only.
    host: tokens.length > 0 ? (env.HOST ?? '0.0.0.0') : '127.0.0.1',
    redisUrl: env.REDIS_URL || undefined,
    home: resolve(env.STRATA_HOME ?? '.strata'),
    runtime,
    tokens,
    maxBodyBytes: Number(env.STRATA_MAX_BODY_BYTES ?? 32 * 1024 * 1024),
    workerConcurrency: Number.isInteger(concurrency) && concurrency > 0 ? concurrency : 4,
    prefix: env.STRATA_PREFIX ?? 'strata',
    lockDurationMs: Number(env.STRATA_LOCK_MS ?? 30_000),
    imageMap: env.STRATA_IMAGE_MAP || undefined,
    fileRoots: env.STRATA_FILE_ROOTS ? env.STRATA_FILE_ROOTS.split(':').filter(Boolean).map((r) => resolve(r)) : undefined,
    stalledIntervalMs: Number(env.STRATA_STALLED_MS ?? 15_000),
  };
}
