/**
 * Web pages cannot drive the API. A page the user opens may send requests to
 * 127.0.0.1:8080 from the browser (a form posting across origins), or point a name of its
 * own at 127.0.0.1 (DNS rebinding) so that its requests look same-origin to the browser.
 *
 * - Cross-origin requests are refused (403) unless their origin is configured
 *   (STRATA_ALLOWED_ORIGINS), in which case they get CORS headers: a request whose Origin
 *   is neither this service's own (the Host it was sent to) nor an allowed one never runs.
 * - In loopback mode (no tokens) the Host must be a loopback name or address: a rebound
 *   name arrives with the attacker's host name in Host.
 * - Bodies must be JSON or YAML (body.ts), which a page can only send across origins
 *   after a CORS preflight, which is refused.
 *
 * With tokens, Host is not checked (the service has real names), and a page cannot send
 * the token by itself.
 */
import type { MiddlewareHandler } from 'hono';
import { cors } from 'hono/cors';
import { StrataError } from '../errors/strata-error.ts';

export interface OriginPolicy {
  /** check Host (loopback mode: no tokens) */
  loopbackOnly: boolean;
  /** origins allowed to call across origins, exactly as browsers send them (`http://localhost:3000`) */
  allowedOrigins: string[];
}

/** True for `localhost`, a name under `.localhost` (RFC 6761), 127.0.0.0/8 and ::1. */
export function isLoopbackHost(hostname: string): boolean {
  const h = hostname.toLowerCase().replace(/\.$/, '');
  if (h === 'localhost' || h.endsWith('.localhost')) return true;
  if (h === '[::1]' || h === '::1') return true;
  return /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h);
}

/** The hostname and host (with port) of a Host header value, or undefined when it is not one. */
function parseHost(value: string): { hostname: string; host: string } | undefined {
  try {
    const u = new URL(`http://${value}`);
    if (u.username || u.password || u.pathname !== '/' || u.search || u.hash) return undefined;
    return { hostname: u.hostname, host: u.host };
  } catch {
    return undefined;
  }
}

/** The origin of a URL as browsers write it, or undefined. */
export function normalOrigin(value: string): string | undefined {
  try {
    const u = new URL(value);
    return u.origin === 'null' ? undefined : u.origin;
  } catch {
    return undefined;
  }
}

/** Middleware: CORS for allowed origins, then Host and Origin checks; 403 with a sentence when refused. */
export function originGuard(policy: OriginPolicy): MiddlewareHandler {
  const allowed = new Set(policy.allowedOrigins);
  const corsHeaders = allowed.size > 0 ? cors({ origin: [...allowed], allowHeaders: ['authorization', 'content-type', 'idempotency-key', 'last-event-id'], exposeHeaders: ['retry-after', 'idempotent-replayed'] }) : undefined;
  const check: MiddlewareHandler = async (c, next) => {
    // A request made in process (app.request) has no Host header: its URL's host stands in.
    const hostHeader = c.req.header('host') ?? new URL(c.req.url).host;
    const host = parseHost(hostHeader);
    if (policy.loopbackOnly && (!host || !isLoopbackHost(host.hostname))) {
      throw new StrataError('forbidden', `Host "${hostHeader.slice(0, 100)}" is not a loopback name or address: without STRATA_API_TOKENS strata answers only requests sent to localhost or 127.0.0.1`);
    }
    const origin = c.req.header('origin');
    if (origin !== undefined) {
      const o = normalOrigin(origin);
      const sameOrigin = o !== undefined && host !== undefined && new URL(o).host === host.host;
      if (!sameOrigin && !(o !== undefined && allowed.has(o))) {
        throw new StrataError('forbidden', `requests from the web page at ${origin.slice(0, 100)} are refused; allow its origin with STRATA_ALLOWED_ORIGINS`);
      }
    }
    await next();
  };
  if (!corsHeaders) return check;
  return async (c, next) => {
    let preflight: Response | void = undefined;
    await check(c, async () => {
      preflight = await corsHeaders(c, next);
    });
    return preflight;
  };
}
