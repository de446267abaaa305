/**
 * The protocol between a worker and its process launcher (launcher.ts), written once for
 * both sides. Frames on a pipe: a JSON line, followed by `n` raw bytes when the line has
 * an `n` (a chunk of a container's output, passed through as it is, any bytes at all).
 *
 * worker -> launcher:
 *   { t: 'spawn', id, argc, n } + n bytes start a container in a process group of its own; the
 *                                         bytes are its cwd ('' for none), its argc arguments and
 *                                         its environment as KEY=value, each ending in a NUL
 *                                         (spawnFrame), so that the C launcher (launcher.c) reads
 *                                         them without a JSON parser
 *   { t: 'drop', id }                     stop reading its output (left to a process that left its group)
 * launcher -> worker:
 *   { t: 'ready' }                        once, when it reads its stdin
 *   { t: 'spawn', id, pid }               started; pid is its process group's id
 *   { t: 'error', id, code, message }     could not start (then nothing more about it)
 *   { t: 'data', id, s, n } + n bytes     output, s: 1 stdout, 2 stderr
 *   { t: 'exit', id, code, signal }       the container's process ended
 *   { t: 'close', id }                    its output ended too: nothing more about it
 */

export type ToLauncher =
  | { t: 'spawn'; id: number; argc: number; n: number }
  | { t: 'drop'; id: number };

/** What a spawn frame carries. */
export interface SpawnRequest {
  argv: string[];
  env: Record<string, string>;
  cwd?: string;
}

/** The spawn frame of a start (none of its strings may hold a NUL: nulByteIn first). */
export function spawnFrame(id: number, r: SpawnRequest): Buffer {
  const parts = [r.cwd ?? '', ...r.argv];
  for (const k in r.env) parts.push(`${k}=${r.env[k]}`);
  const payload = Buffer.from(`${parts.join('\0')}\0`);
  return frame({ t: 'spawn', id, argc: r.argv.length, n: payload.length }, payload);
}

/** The start a spawn frame's bytes carry. */
export function readSpawn(argc: number, payload: Buffer): SpawnRequest {
  const parts = payload.toString('utf8').split('\0');
  parts.pop(); // after the last NUL
  const env: Record<string, string> = {};
  for (const kv of parts.slice(1 + argc)) {
    const eq = kv.indexOf('=');
    env[kv.slice(0, eq)] = kv.slice(eq + 1);
  }
  return { argv: parts.slice(1, 1 + argc), env, ...(parts[0] !== '' ? { cwd: parts[0] } : {}) };
}

/** Which string of a start holds a NUL, in the words of Node's spawn (which refuses them). */
export function nulByteIn(r: SpawnRequest): string | undefined {
  if (r.cwd?.includes('\0')) return "The argument 'options.cwd' must be a string without null bytes";
  const arg = r.argv.findIndex((a) => a.includes('\0'));
  if (arg >= 0) return arg === 0 ? "The argument 'file' must be a string without null bytes" : `The argument 'args[${arg - 1}]' must be a string without null bytes`;
  for (const k in r.env) if (k.includes('\0') || r.env[k].includes('\0')) return `The property 'options.env['${k.replaceAll('\0', '\\x00')}']' must be a string without null bytes`;
  return undefined;
}

export type FromLauncher =
  | { t: 'ready' }
  | { t: 'spawn'; id: number; pid: number }
  | { t: 'error'; id: number; code?: string; message: string }
  | { t: 'data'; id: number; s: 1 | 2; n: number }
  | { t: 'exit'; id: number; code: number | null; signal: string | null }
  | { t: 'close'; id: number };

/** One frame: its JSON line and, for output, the bytes after it. */
export function frame(header: object, payload?: Buffer): Buffer {
  const line = Buffer.from(`${JSON.stringify(header)}\n`);
  return payload ? Buffer.concat([line, payload]) : line;
}

/**
 * Splits a byte stream into frames: `onFrame(header, payload)` for each, the payload
 * being the `n` bytes after a header that has `n`. Lines that are not JSON objects are
 * passed to `onJunk` (a launcher that could not start writes its error as text).
 */
export function frameReader<T extends { n?: number }>(onFrame: (header: T, payload?: Buffer) => void, onJunk: (line: string) => void = () => undefined): (chunk: Buffer) => void {
  let buf: Buffer = Buffer.alloc(0);
  let waiting: T | undefined;
  return (chunk) => {
    buf = buf.length === 0 ? chunk : Buffer.concat([buf, chunk]);
    for (;;) {
      if (waiting) {
        if (buf.length < waiting.n!) return;
        const payload = buf.subarray(0, waiting.n);
        buf = buf.subarray(waiting.n);
        const h = waiting;
        waiting = undefined;
        onFrame(h, payload);
        continue;
      }
      const nl = buf.indexOf(10);
      if (nl < 0) return;
      const line = buf.subarray(0, nl).toString('utf8');
      buf = buf.subarray(nl + 1);
      let header: T;
      try {
        header = JSON.parse(line) as T;
      } catch {
        onJunk(line);
        continue;
      }
      if (typeof header !== 'object' || header === null) onJunk(line);
      else if (typeof header.n === 'number' && header.n > 0) waiting = header;
      else onFrame(header);
    }
  };
}
