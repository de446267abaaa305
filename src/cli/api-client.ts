/**
 * The command line's HTTP client of a running strata (STRATA_URL, STRATA_TOKEN). It speaks
 * through node:http (node:https for an https:// URL), not the global fetch: the first use of
 * fetch loads Node's bundled undici, about 0.3 s of CPU in a process that lives for one
 * request (docs/performance.md, "The CLI's start").
 */
import type { IncomingMessage } from 'node:http';
import { StrataError, type ErrorCode } from '../errors/strata-error.ts';
import { msRange, mustBe, rangeWords, wholeNumber } from '../app/whole-number.ts';

export interface Client {
  base: string;
  call(method: string, path: string, body?: unknown): Promise<any>;
  text(path: string): Promise<string>;
  /** the response body of a GET, as chunks, for server-sent events; `headers` such as Last-Event-ID */
  stream(path: string, headers?: Record<string, string>, signal?: AbortSignal): Promise<AsyncIterable<Uint8Array>>;
}

/** A path segment per step id segment: step ids hold `/`, each part is encoded on its own. */
export function stepPath(step: string): string {
  return step.split('/').map(encodeURIComponent).join('/');
}

/** The whole body of a response as text (UTF-8). */
async function bodyText(res: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of res) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * How long a connection may stay silent, in ms: a call's 300 s (what fetch's undici allowed
 * for headers and body), an event stream's 45 s (three of the service's 15 s comment lines,
 * routes/run-events.ts). STRATA_CLIENT_IDLE_MS sets both (tests; a slow link); a StrataError
 * `invalid_config` naming it when it is no whole number of milliseconds from 1 to 86400000.
 */
function idleLimits(env: NodeJS.ProcessEnv): { call: number; stream: number } {
  const text = env.STRATA_CLIENT_IDLE_MS;
  // Unset or empty: the defaults, as config.ts takes its variables.
  if (text === undefined || text === '') return { call: 300_000, stream: 45_000 };
  // A value that is no count of milliseconds (`10s`, `0`) is refused in config.ts's words, not taken as the defaults in silence.
  const set = wholeNumber(text, IDLE_RANGE);
  if (set === undefined) throw new StrataError('invalid_config', mustBe('STRATA_CLIENT_IDLE_MS', rangeWords(IDLE_RANGE), text));
  return { call: set, stream: set };
}

/** STRATA_CLIENT_IDLE_MS: 1 ms to a day. */
const IDLE_RANGE = msRange(1);

/**
 * STRATA_TOKEN as sent: trimmed, as the service trims each of its STRATA_API_TOKENS (a token
 * read from a file or a Secret ends with a newline, which no header may hold); undefined when
 * unset or blank. One with a space or a control character inside, or a character past
 * Latin-1 (which no header can carry), is no token the service takes: refused
 * (invalid_config, exit 2), the value never echoed.
 */
function bearerToken(value: string | undefined): string | undefined {
  const token = value?.trim();
  if (!token) return undefined;
  if (/[\s\x00-\x1f\x7f]/.test(token)) throw new StrataError('invalid_config', 'STRATA_TOKEN holds a space or a control character inside it: a bearer token is one word (as each of STRATA_API_TOKENS); the value is not shown');
  // Past Latin-1 (U+0100 on): Node refuses it in a header ('Invalid character in header content', an internal error).
  if (/[^\x00-\xff]/u.test(token)) throw new StrataError('invalid_config', 'STRATA_TOKEN holds a character no HTTP header can carry (a bearer token is visible ASCII, as each of STRATA_API_TOKENS); the value is not shown');
  return token;
}

/** A client of the strata at STRATA_URL (or 127.0.0.1:PORT, 8080); errors the API answers become StrataErrors with its code. */
export function apiClient(env: NodeJS.ProcessEnv = process.env): Client {
  // Set empty is unset, as loadConfig reads its variables.
  const base = (env.STRATA_URL?.trim() || `http://127.0.0.1:${env.PORT?.trim() || 8080}`).replace(/\/$/, '');
  const token = bearerToken(env.STRATA_TOKEN);
  const headers: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
  const unreachable = (why: string) => new StrataError('unavailable', `cannot reach strata at ${base} (${why}); start it with \`strata up\` or set STRATA_URL`);
  const idle = idleLimits(env);
  const request = async (method: string, path: string, body?: unknown, extra: Record<string, string> = {}, signal?: AbortSignal, idleMs = idle.call): Promise<IncomingMessage> => {
    let url: URL;
    try {
      url = new URL(base + path);
    } catch {
      throw unreachable('not a URL');
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw unreachable(`${url.protocol} is not http: or https:`);
    const { request: send } = url.protocol === 'https:' ? await import('node:https') : await import('node:http');
    const payload = body !== undefined ? Buffer.from(JSON.stringify(body)) : undefined;
    const all = { ...headers, ...extra, ...(payload ? { 'content-type': 'application/json', 'content-length': String(payload.length) } : {}) };
    return new Promise((resolve, reject) => {
      const req = send(url, { method, headers: all, ...(signal ? { signal } : {}) }, resolve);
      // No byte for idleMs, before the answer or in its body: the connection is given up (a
      // frozen strata or a partition never closes it). Before the answer the call fails; in a
      // body the reader gets the error (sse-follow asks again).
      req.setTimeout(idleMs, () => req.destroy(Object.assign(new Error('idle'), { code: `no answer for ${idleMs / 1000} s` })));
      req.on('error', (e: NodeJS.ErrnoException) => reject(e.name === 'AbortError' ? e : unreachable(e.code ?? e.message)));
      req.end(payload);
    });
  };
  const check = async (res: IncomingMessage): Promise<IncomingMessage> => {
    const status = res.statusCode ?? 0;
    if (status >= 200 && status < 300) return res;
    const text = await bodyText(res);
    let err: { code?: string; message?: string; details?: Record<string, unknown> } = {};
    try {
      err = JSON.parse(text).error ?? {};
    } catch {
      err = { message: text };
    }
    throw new StrataError((err.code as ErrorCode) ?? 'internal', err.message ?? `HTTP ${status}`, err.details ?? {});
  };
  return {
    base,
    async call(method, path, body) {
      return JSON.parse(await bodyText(await check(await request(method, path, body))));
    },
    async text(path) {
      return bodyText(await check(await request('GET', path)));
    },
    async stream(path, extra, signal) {
      return check(await request('GET', path, undefined, extra, signal, idle.stream));
    },
  };
}
