/** The command line's HTTP client of a running strata (STRATA_URL, STRATA_TOKEN). */
import { StrataError, type ErrorCode } from '../errors/strata-error.ts';

export interface Client {
  base: string;
  call(method: string, path: string, body?: unknown): Promise<any>;
  text(path: string): Promise<string>;
  /** the response body of a GET, for server-sent events; `headers` such as Last-Event-ID */
  stream(path: string, headers?: Record<string, string>, signal?: AbortSignal): Promise<ReadableStream<Uint8Array>>;
}

/** A path segment per step id segment: step ids hold `/`, each part is encoded on its own. */
export function stepPath(step: string): string {
  return step.split('/').map(encodeURIComponent).join('/');
}

export function apiClient(env: NodeJS.ProcessEnv = process.env): Client {
  const base = (env.STRATA_URL ?? `http://127.0.0.1:${env.PORT ?? 8080}`).replace(/\/$/, '');
  const headers: Record<string, string> = env.STRATA_TOKEN ? { authorization: `Bearer ${env.STRATA_TOKEN}` } : {};
  const request = async (method: string, path: string, body?: unknown, extra: Record<string, string> = {}, signal?: AbortSignal): Promise<Response> => {
    try {
      return await fetch(base + path, { method, headers: { ...headers, ...extra, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) }, ...(body !== undefined ? { body: JSON.stringify(body) } : {}), ...(signal ? { signal } : {}) });
    } catch (e) {
      throw new StrataError('unavailable', `cannot reach strata at ${base} (${(e as { cause?: { code?: string } }).cause?.code ?? (e as Error).message}); start it with \`strata up\` or set STRATA_URL`);
    }
  };
  const check = async (res: Response): Promise<Response> => {
    if (res.ok) return res;
    const text = await res.text();
    let err: { code?: string; message?: string; details?: Record<string, unknown> } = {};
    try {
      err = JSON.parse(text).error ?? {};
    } catch {
      err = { message: text };
    }
    throw new StrataError((err.code as ErrorCode) ?? 'internal', err.message ?? `HTTP ${res.status}`, err.details ?? {});
  };
  return {
    base,
    async call(method, path, body) {
      const res = await check(await request(method, path, body));
      return res.json();
    },
    async text(path) {
      return (await check(await request('GET', path))).text();
    },
    async stream(path, extra, signal) {
      const res = await check(await request('GET', path, undefined, extra, signal));
      return res.body!;
    },
  };
}
