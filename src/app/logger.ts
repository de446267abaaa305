/**
 * The processes' log (pino): JSON lines on stderr when it is not a terminal (a cluster
 * collects them), the same lines made readable by pino-pretty on a terminal. Errors go
 * out at error level. What is logged and with which fields: docs/operating.md.
 */
import { pino, type Logger } from 'pino';
import pretty from 'pino-pretty';
import type { LOG_LEVELS } from './config.ts';

export type { Logger } from 'pino';
export type Say = (message: string, fields?: Record<string, unknown>) => void;

/** A logger on fd 2; `readable` (default: stderr is a terminal) formats lines for people. */
export function createLogger(level: (typeof LOG_LEVELS)[number] = 'info', readable = process.stderr.isTTY === true): Logger {
  const options = { level, base: { app: 'strata', pid: process.pid }, timestamp: pino.stdTimeFunctions.isoTime };
  if (readable) {
    // pino-pretty as a stream in this thread (no worker thread): a line is written when logged.
    return pino(options, pretty({ destination: 2, sync: true, colorize: true, translateTime: 'SYS:HH:MM:ss', ignore: 'pid,hostname,app' }));
  }
  return pino(options, pino.destination({ fd: 2, sync: true }));
}

/** The process logger as the old `say` interface: messages at info level. */
export function sayTo(log: Logger): Say {
  return (m, f) => log.info(f ?? {}, m);
}

/** A logger that drops everything (tests, library callers that pass none). */
export const silentLogger: Logger = pino({ level: 'silent' });
