/**
 * Bearer tokens from STRATA_API_TOKENS (comma-separated). Without tokens the service is
 * open but binds to loopback only (see serve.ts); health endpoints stay open for probes,
 * the web UI's static pages, which hold no data (they call /v1 with a token), and the
 * documents' JSON Schemas for editors.
 */
import { timingSafeEqual } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import { StrataError } from '../errors/strata-error.ts';

const OPEN = new Set(['/healthz', '/readyz']);
/** `POST /v1/hooks/:name` (see routes/hooks.ts) */
const HOOK_CALL = /^\/v1\/hooks\/[^/]+$/;

export function parseTokens(value: string | undefined): string[] {
  return (value ?? '').split(',').map((t) => t.trim()).filter((t) => t.length > 0);
}

export function bearerAuth(tokens: string[]): MiddlewareHandler {
  const keys = tokens.map((t) => Buffer.from(t));
  return async (c, next) => {
    if (keys.length === 0 || OPEN.has(c.req.path) || c.req.path === '/' || c.req.path === '/ui' || c.req.path.startsWith('/ui/') || c.req.path.startsWith('/schemas/')) return next();
    // A hook call brings its own token, checked by the hooks route.
    if (c.req.method === 'POST' && HOOK_CALL.test(c.req.path)) return next();
    const header = c.req.header('authorization') ?? '';
    const m = /^Bearer\s+(\S+)$/i.exec(header);
    const given = m ? Buffer.from(m[1]) : undefined;
    if (!given || !keys.some((k) => k.length === given.length && timingSafeEqual(k, given))) {
      throw new StrataError('unauthorized', 'a valid bearer token is required (Authorization: Bearer <token>)');
    }
    return next();
  };
}
