/** The one place errors become responses: `{ error: { code, message, details } }`, never a stack trace. */
import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { httpStatus, limitHint, StrataError, toStrataError } from '../errors/strata-error.ts';
import type { LogPort } from './deps.ts';

export function errorResponse(err: unknown, c: Context, log?: LogPort): Response {
  let e: StrataError;
  if (err instanceof HTTPException) {
    const status = err.status;
    e = new StrataError(status === 413 ? 'too_large' : status === 401 ? 'unauthorized' : 'invalid_request', err.message || 'bad request');
  } else if (err instanceof SyntaxError) {
    e = new StrataError('invalid_request', `malformed request: ${err.message}`);
  } else {
    e = toStrataError(err);
  }
  if (e.code === 'internal') log?.error({ event: 'http.error', method: c.req.method, path: c.req.path, err }, e.message);
  if (typeof e.details.retryAfter === 'number') c.header('Retry-After', String(e.details.retryAfter));
  // A refusal past a size limit says how to raise it (`details.hint`; the CLI prints it).
  const hint = e.details.hint === undefined ? limitHint(e, 'service') : undefined;
  if (hint !== undefined) e = new StrataError(e.code, e.message, { ...e.details, hint });
  return c.json(e.toJSON(), httpStatus(e.code) as 400);
}
