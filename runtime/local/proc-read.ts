/**
 * Reading small files of /proc in as few system calls as the kernel allows. /proc files
 * report a size of 0, so `readFileSync` and `fs.promises.readFile` stat the file and read
 * until a read returns nothing: open, fstat, read, read, close, and off the event loop each
 * of those is a hop to libuv's thread pool and a wake of the loop. The end of a pod reads
 * /proc/loadavg and /proc/stat twice and the environment of each process made meanwhile
 * once (sweep.ts), which was most of the per-step work of the sweep (docs/performance.md,
 * Eighth pass).
 */
import { closeSync, openSync, readSync } from 'node:fs';
import { open } from 'node:fs/promises';

const CHUNK = 64 * 1024;
let shared: Buffer | undefined;

/**
 * The whole of `path` as bytes, read synchronously: open, read, close. Only for /proc files
 * made whole at open (single_open: /proc/loadavg, /proc/stat), where a read that does not
 * fill the buffer has read the end; throws as openSync does.
 */
export function readProcSync(path: string): Buffer {
  const buf = (shared ??= Buffer.allocUnsafe(CHUNK));
  const fd = openSync(path, 'r');
  try {
    let n = readSync(fd, buf, 0, CHUNK, null);
    // Short read: the whole file (a /proc file hands out what it has per read).
    if (n < CHUNK) return Buffer.from(buf.subarray(0, n));
    const parts = [Buffer.from(buf.subarray(0, n))];
    while ((n = readSync(fd, buf, 0, CHUNK, null)) > 0) parts.push(Buffer.from(buf.subarray(0, n)));
    return Buffer.concat(parts);
  } finally {
    closeSync(fd);
  }
}

/** `path` as text (latin1), read synchronously (readProcSync: a file made whole at open). */
export function readProcText(path: string): string {
  return readProcSync(path).toString('latin1');
}

/**
 * The whole of `path` (a /proc file) as bytes, off the event loop: open, read until a read
 * returns nothing, close (no fstat). A process's environment is read page by page by the
 * kernel and a read may stop short of its end, so the read that returns nothing is kept.
 */
export async function readProc(path: string): Promise<Buffer> {
  const fh = await open(path, 'r');
  try {
    const parts: Buffer[] = [];
    for (;;) {
      const buf = Buffer.allocUnsafe(CHUNK);
      const { bytesRead } = await fh.read(buf, 0, CHUNK, null);
      if (bytesRead === 0) break;
      parts.push(bytesRead === CHUNK ? buf : buf.subarray(0, bytesRead));
    }
    return parts.length === 1 ? parts[0] : Buffer.concat(parts);
  } finally {
    await fh.close();
  }
}
