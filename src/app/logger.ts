/**
 * The processes' log: JSON lines through pino when stderr is not a terminal (a cluster
 * collects them), plain `strata: message` lines on a terminal (a laptop reads them).
 */
import { pino } from 'pino';

export type Say = (message: string, fields?: Record<string, unknown>) => void;

export function processLogger(stream: NodeJS.WriteStream = process.stderr): { info: Say; error: Say } {
  if (stream.isTTY) {
    const line = (m: string) => void stream.write(`strata: ${m}\n`);
    return { info: (m) => line(m), error: (m) => line(m) };
  }
  const log = pino({ base: { app: 'strata', pid: process.pid }, timestamp: pino.stdTimeFunctions.isoTime }, pino.destination({ fd: 2, sync: true }));
  return { info: (m, f) => log.info(f ?? {}, m), error: (m, f) => log.error(f ?? {}, m) };
}
