/** Serve the HTTP API on a port (a running service; `close` stops it). */
import { serve, type ServerType } from '@hono/node-server';
import type { Hono } from 'hono';
import { StrataError } from '../errors/strata-error.ts';

export interface Served {
  url: string;
  port: number;
  close(): Promise<void>;
}

/**
 * How long an idle kept-alive connection stays open, in ms. Node's default (5 s) races a
 * client that reuses the connection just as the server closes it (the client's request then
 * meets ECONNRESET): behind a proxy or load balancer the server must keep idle connections
 * longer than the proxy does (60 s is common: AWS ALB, nginx's keepalive_timeout is 75 s
 * upstream), and a client on a busy machine may pause past 5 s. Headers must be allowed a
 * little longer than that (Node's documented requirement for headersTimeout).
 */
export const KEEP_ALIVE_MS = 65_000;

/**
 * Listen on `host:port` (0 = any free port); resolves once listening. `variable` names the
 * setting the port came from (PORT, STRATA_METRICS_PORT): a port another program holds
 * (EADDRINUSE) or one this process may not take (EACCES) is an `invalid_config` naming it, the
 * address and what to do (exit 2, where it had been an internal error); other errors as they are.
 */
export function listen(app: Hono, port: number, host: string, variable = 'PORT'): Promise<Served> {
  return new Promise<Served>((resolve, reject) => {
    let server: ServerType;
    try {
      server = serve({ fetch: app.fetch, port, hostname: host, serverOptions: { keepAliveTimeout: KEEP_ALIVE_MS, headersTimeout: KEEP_ALIVE_MS + 1_000 } }, (info) => {
        resolve({
          url: `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${info.port}`,
          port: info.port,
          close: () => new Promise<void>((res) => { (server as unknown as { closeAllConnections?: () => void }).closeAllConnections?.(); server.close(() => res()); }),
        });
      });
      server.on('error', reject);
    } catch (e) {
      reject(e);
    }
  }).catch((e: unknown) => {
    throw listenError(e, port, host, variable);
  });
}

function listenError(e: unknown, port: number, host: string, variable: string): unknown {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'EADDRINUSE') return new StrataError('invalid_config', `${variable} ${port}: ${host}:${port} is in use by another program: stop it, or set ${variable} to a free port (0: any)`);
  if (code === 'EACCES') return new StrataError('invalid_config', `${variable} ${port}: this process may not listen on ${host}:${port} (ports below 1024 need privileges): set ${variable} to another port`);
  return e;
}
