/** Request bodies: JSON or YAML as Content-Type says, within the size limit. */
import type { Context } from 'hono';
import { StrataError } from '../errors/strata-error.ts';
import { checkDepth, parseText } from '../flow/parse-text.ts';

const YAML_TYPES = ['application/yaml', 'application/x-yaml', 'text/yaml', 'text/x-yaml'];

/** The parsed body; 415 for a type other than JSON or YAML, 400 for text that does not parse. */
export async function readBody(c: Context, maxBytes: number): Promise<unknown> {
  const type = (c.req.header('content-type') ?? '').split(';')[0].trim().toLowerCase();
  if (type !== '' && type !== 'application/json' && !YAML_TYPES.includes(type) && !type.endsWith('+json')) {
    throw new StrataError('unsupported_media_type', `Content-Type ${type} is not accepted: send application/json or application/yaml`);
  }
  const text = await c.req.text();
  if (text.trim() === '') throw new StrataError('invalid_request', 'the request body is empty');
  if (type === 'application/json' || type.endsWith('+json')) {
    if (Buffer.byteLength(text) > maxBytes) throw new StrataError('too_large', `body larger than ${maxBytes} bytes`);
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (e) {
      throw new StrataError('invalid_request', `body is not valid JSON: ${(e as Error).message}`, { problems: [{ path: 'body', message: (e as Error).message }] });
    }
    checkDepth(value, 'body');
    return value;
  }
  try {
    return parseText(text, 'body', maxBytes);
  } catch (e) {
    const err = e as StrataError;
    if (err.code === 'invalid_document') throw new StrataError('invalid_request', `body is not valid YAML: ${err.message}`, err.details);
    throw e;
  }
}

/** A boolean query flag: `?x=true` or `?x` or `?x=1`. */
export function flag(c: Context, name: string): boolean {
  const v = c.req.query(name);
  return v !== undefined && v !== 'false' && v !== '0';
}
