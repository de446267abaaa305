/**
 * Request bodies on the main thread. A body must say what it is (a JSON or YAML
 * Content-Type: a web page cannot send those across origins without asking first); its
 * bytes are read here and parsed where the route says: documents that may be large go to
 * the worker threads (cpu/), small bodies are parsed here within small limits, so that no
 * body keeps this thread busy for long.
 */
import type { Context } from 'hono';
import { StrataError } from '../errors/strata-error.ts';
import { parseBody, type BodyType, type RawBody } from './cpu/parse-body.ts';
import { flagValue } from './query-params.ts';

const YAML_TYPES = new Set(['application/yaml', 'application/x-yaml', 'text/yaml', 'text/x-yaml']);

/** Largest bodies `readBody` parses on the main thread: parsing them takes a few milliseconds. */
export const SMALL_BODY_LIMITS = { maxBytes: 1024 * 1024, maxYamlBytes: 64 * 1024, fixed: true };

/** The body's type from Content-Type; 415 for anything but JSON or YAML, a missing type included. */
export function bodyType(c: Context): BodyType {
  const type = (c.req.header('content-type') ?? '').split(';')[0].trim().toLowerCase();
  if (type === 'application/json' || (type.startsWith('application/') && type.endsWith('+json'))) return 'json';
  if (YAML_TYPES.has(type)) return 'yaml';
  throw new StrataError('unsupported_media_type', type === '' ? 'a request body needs a Content-Type: application/json or application/yaml' : `Content-Type ${type} is not accepted: send application/json or application/yaml`);
}

/** The body's bytes and type, unparsed (the size limit is the body-limit middleware's). */
export async function readRawBody(c: Context): Promise<RawBody> {
  const type = bodyType(c);
  return { type, bytes: new Uint8Array(await c.req.arrayBuffer()) };
}

/** A small body parsed on this thread (at most SMALL_BODY_LIMITS); 413 past that, 400 for text that does not parse. */
export async function readBody(c: Context): Promise<unknown> {
  return parseBody(await readRawBody(c), SMALL_BODY_LIMITS);
}

/** A boolean query flag: `?x=true`, `?x` or `?x=1`; `false`, `0` or absent is false, any other value refused (query-params.ts flagValue). */
export function flag(c: Context, name: string): boolean {
  return flagValue(name, c.req.query(name));
}
