/**
 * The pages' one way to the API: same origin, JSON in and out (POSTs say
 * `Content-Type: application/json`), the bearer token the user gave kept for this tab
 * (sessionStorage) and sent on every call. A 401 asks for a token.
 */
import { signal } from '@preact/signals';

const KEY = 'strata-token';

/** true while the API wants a token this page does not have */
export const needToken = signal(false);
/** the API's sentence when it refused the token this tab gave (a wrong or old token) */
export const tokenRefused = signal<string | undefined>(undefined);

export function token(): string | null {
  return sessionStorage.getItem(KEY);
}

export function setToken(t: string): void {
  sessionStorage.setItem(KEY, t);
  needToken.value = false;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly code?: string,
  ) {
    super(message);
  }
}

export function authHeaders(): Record<string, string> {
  const t = token();
  return t ? { authorization: `Bearer ${t}` } : {};
}

/** Call the API; JSON answers are parsed, others returned as text. Errors throw ApiError with the API's sentence. */
export async function api<T = unknown>(path: string, init: { method?: string; body?: unknown; signal?: AbortSignal } = {}): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json', ...authHeaders() };
  let body: string | undefined;
  if (init.body !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(init.body);
  }
  const res = await fetch(path, { method: init.method ?? 'GET', headers, body, signal: init.signal });
  const text = await res.text();
  const json = (res.headers.get('content-type') ?? '').includes('json') && text ? JSON.parse(text) : undefined;
  if (res.status === 401) askForToken(json);
  if (!res.ok) throw apiError(res, json);
  return (json ?? text) as T;
}

/** A 401 (`json`: its body): ask for a token, saying so when the one this tab gave was refused rather than asking as if none had been given. */
export function askForToken(json?: { error?: { message?: string } }): void {
  if (token() !== null) tokenRefused.value = json?.error?.message ?? 'the token was refused';
  needToken.value = true;
}

/** The ApiError of a refused answer: the API's sentence from its JSON error body, else the status line. */
export function apiError(res: Response, json?: { error?: { message?: string; code?: string } }): ApiError {
  return new ApiError(res.status, json?.error?.message ?? `${res.status} ${res.statusText}`, json?.error?.code);
}

/**
 * True for an answer that asking again will not change (a 4xx: the run is gone, the request
 * is wrong), where a stream should stop; not 401 (a token may be given meanwhile), 408 or 429.
 */
export function isFinalRefusal(status: number): boolean {
  return status >= 400 && status < 500 && status !== 401 && status !== 408 && status !== 429;
}
