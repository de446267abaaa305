/** Serve the HTTP API on a port (a running service; `close` stops it). */
import { serve, type ServerType } from '@hono/node-server';
import type { Hono } from 'hono';

export interface Served {
  url: string;
  port: number;
  close(): Promise<void>;
}

export function listen(app: Hono, port: number, host: string): Promise<Served> {
  return new Promise((resolve, reject) => {
    let server: ServerType;
    try {
      server = serve({ fetch: app.fetch, port, hostname: host }, (info) => {
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
  });
}
