/**
 * A large text value (a run's plan: 25.6 MB for a 100,000-node tree, about 90 MB for a
 * million steps) kept in Redis as a list of parts of at most PART_BYTES each, so that no
 * single command writes or reads more than that: a GET of the plan as one string took
 * 283 ms, during which Redis answered no one else. Written to a staged key part by part,
 * then renamed into place by the script that makes the value visible (run-create-4.lua),
 * so a reader never sees half a value. Values stored before as one string (runs made by
 * earlier versions) are read by GETRANGE in parts of the same bound (docs/runs.md).
 */
import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';

/** Bytes of one part at most: a command moving this much takes Redis a few milliseconds. */
export const PART_BYTES = 256 * 1024;

/** Parts read at once (each its own command, so other clients' commands go between them). */
const READ_AHEAD = 4;

/** How long a staged value is kept should the script that renames it in never come (its process died), in seconds. */
const STAGED_SECONDS = 3600;

/**
 * `text` (or its UTF-8 bytes, already encoded: not encoded again) cut into parts of at most
 * `partBytes` bytes (a character may be cut in two: parts are joined as bytes). The parts
 * are views of one buffer, not copies.
 */
export function cutParts(text: string | Uint8Array, partBytes = PART_BYTES): Buffer[] {
  const bytes = typeof text === 'string' ? Buffer.from(text, 'utf8') : Buffer.from(text.buffer, text.byteOffset, text.byteLength);
  const parts: Buffer[] = [];
  for (let at = 0; at < bytes.length; at += partBytes) parts.push(bytes.subarray(at, at + partBytes));
  return parts;
}

/** Whether `text` is at most `partBytes` bytes of UTF-8, without encoding it. */
export function fitsOnePart(text: string, partBytes = PART_BYTES): boolean {
  // A UTF-16 unit is at most 3 bytes of UTF-8 (a pair of them, 4): count only when that could pass.
  return text.length * 3 <= partBytes || Buffer.byteLength(text, 'utf8') <= partBytes;
}

/**
 * Write `parts` to a new list key named after `keyBase` (`<keyBase>:staged:<random>`), one
 * RPUSH a part, expiring in an hour unless renamed into place (PERSIST after RENAME);
 * returns the key. The commands are all sent before their replies are awaited (in order on
 * the one connection; not a pipeline, which copies every part once more into one buffer):
 * each is still one part, and Redis serves other clients between them, but the parts of a
 * 22 MB plan no longer wait for a round trip each.
 */
export async function stageParts(redis: Redis, keyBase: string, parts: Buffer[]): Promise<string> {
  const key = `${keyBase}:staged:${randomBytes(4).toString('hex')}`;
  if (parts.length === 0) return key;
  // The first part and the expiry first: a part that failed then would leave a later one in a key that never expires.
  await Promise.all([redis.rpush(key, parts[0]), redis.expire(key, STAGED_SECONDS)]);
  const rest: Array<Promise<unknown>> = [];
  for (let i = 1; i < parts.length; i++) rest.push(redis.rpush(key, parts[i]));
  await Promise.all(rest);
  return key;
}

/**
 * The value kept as parts at the list `partsKey`, else as one string at `legacyKey` (read
 * by GETRANGE, PART_BYTES at a time), as text; undefined when neither exists, or when the
 * value went away while it was read (deleted meanwhile).
 */
export async function readParts(redis: Redis, partsKey: string, legacyKey: string): Promise<string | undefined> {
  const n = await redis.llen(partsKey);
  const chunks: Buffer[] = [];
  if (n > 0) {
    for (let i = 0; i < n; i += READ_AHEAD) {
      const got = await Promise.all(Array.from({ length: Math.min(READ_AHEAD, n - i) }, (_, k) => redis.lindexBuffer(partsKey, i + k)));
      for (const part of got) {
        if (part === null) return undefined;
        chunks.push(part);
      }
    }
    return Buffer.concat(chunks).toString('utf8');
  }
  const size = await redis.strlen(legacyKey);
  if (size === 0) return undefined;
  for (let at = 0; at < size; at += PART_BYTES * READ_AHEAD) {
    const reads = Array.from({ length: Math.min(READ_AHEAD, Math.ceil((size - at) / PART_BYTES)) }, (_, k) => {
      const from = at + k * PART_BYTES;
      return redis.getrangeBuffer(legacyKey, from, Math.min(size, from + PART_BYTES) - 1);
    });
    for (const part of await Promise.all(reads)) {
      if (part.length === 0) return undefined;
      chunks.push(part);
    }
  }
  const whole = Buffer.concat(chunks);
  return whole.length === size ? whole.toString('utf8') : undefined;
}
