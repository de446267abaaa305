/**
 * Idempotency keys for the requests that start runs (`POST /v1/runs`,
 * `POST /v1/datasets?run=true`), after the IETF draft "The Idempotency-Key HTTP Header
 * Field" (draft-ietf-httpapi-idempotency-key-header): the first request with a key
 * reserves a run id for it; any later request with the same key and the same request gets
 * that run (202, `Idempotent-Replayed: true`) and starts nothing new; the same key with a
 * different request is refused (422). Keys are kept IDEMPOTENCY_TTL_SECONDS. Why the run id
 * is reserved before the run is made, and what happens when a request dies between the
 * two: docs/api-safety.md.
 */
import { createHash } from 'node:crypto';
import type { Context } from 'hono';
import type { Redis } from 'ioredis';
import { newRunId } from '../coordinator/coordinator.ts';
import { StrataError } from '../errors/strata-error.ts';

/** How long a key is remembered: a day, as payment APIs that popularised the header keep theirs. */
export const IDEMPOTENCY_TTL_SECONDS = 24 * 3600;

const KEY_FORM = /^[\x21-\x7e]{1,255}$/;

/** The request's Idempotency-Key (quotes of a structured-field string removed), or undefined; 400 when malformed. */
export function idempotencyKey(c: Context): string | undefined {
  const raw = c.req.header('idempotency-key');
  if (raw === undefined) return undefined;
  const key = /^"(.*)"$/.test(raw.trim()) ? raw.trim().slice(1, -1) : raw.trim();
  if (!KEY_FORM.test(key)) {
    throw new StrataError('invalid_request', 'Idempotency-Key must be 1 to 255 visible ASCII characters (a UUID, for example)', { problems: [{ path: 'header.idempotency-key', message: 'malformed' }] });
  }
  return key;
}

/** What identifies a request for its key: method, route, query and a digest of the body. */
export function requestFingerprint(c: Context, bodyDigest: string): string {
  const url = new URL(c.req.url);
  const query = [...url.searchParams].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([k, v]) => `${k}=${v}`).join('&');
  return createHash('sha256').update(`${c.req.method} ${url.pathname}?${query}\n${bodyDigest}`).digest('hex');
}

export interface RunReservation {
  runId: string;
  /** true when an earlier request with this key reserved the id */
  replayed: boolean;
}

/**
 * The run id for a start: a new one without a key; with a key, the id reserved for it
 * (reserved now when the key is new). The key itself never becomes part of a Redis key:
 * its SHA-256 does.
 */
export async function reserveRun(redis: Redis, prefix: string, key: string | undefined, fingerprint: string, ttlSeconds = IDEMPOTENCY_TTL_SECONDS): Promise<RunReservation> {
  const fresh = newRunId();
  if (key === undefined) return { runId: fresh, replayed: false };
  const slot = `${prefix}:idempotency:${createHash('sha256').update(key).digest('hex')}`;
  for (let tries = 0; tries < 3; tries++) {
    if ((await redis.set(slot, JSON.stringify({ runId: fresh, fingerprint }), 'EX', ttlSeconds, 'NX')) === 'OK') return { runId: fresh, replayed: false };
    const held = await redis.get(slot);
    if (held === null) continue; // expired between the two commands: reserve again
    const { runId, fingerprint: first } = JSON.parse(held) as { runId: string; fingerprint: string };
    if (first !== fingerprint) {
      throw new StrataError('idempotency_key_reused', `Idempotency-Key "${key.slice(0, 64)}" was used for a different request (run ${runId}); use a new key for a new request`, { runId });
    }
    return { runId, replayed: true };
  }
  throw new StrataError('unavailable', 'the Idempotency-Key could not be reserved; try again', { retryAfter: 1 });
}
