/**
 * A document file read by the CLI (`strata apply`, `plan`, `import argo`, `runs submit`)
 * within the byte limit of an HTTP body (STRATA_MAX_BODY_BYTES, 32 MiB by default): reading
 * stops one byte past it, so `/dev/zero`, a FIFO or a device that never ends is refused
 * naming the file and the limit instead of being read until memory runs out (Argo tester 8, S9).
 */
import { closeSync, openSync, readSync } from 'node:fs';
import { pastLimit, StrataError } from '../errors/strata-error.ts';
import { maxBodyBytes } from '../app/config.ts';

/**
 * The text of `file` (UTF-8), at most STRATA_MAX_BODY_BYTES bytes, said as `label` in errors
 * (the file's name; `--parameter-file FILE` for a parameter file). A StrataError
 * `invalid_request` for a directory, `not_found` when it cannot be read otherwise,
 * `too_large` past the limit.
 */
export function readDocumentFile(file: string, maxBytes = maxBodyBytes(), label = file): string {
  const cannot = (e: unknown): StrataError => {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EISDIR') return new StrataError('invalid_request', `${label}: is a directory; give a document file`);
    return new StrataError('not_found', `${label}: cannot read (${code ?? (e as Error).message})`);
  };
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch (e) {
    throw cannot(e);
  }
  const chunks: Buffer[] = [];
  let total = 0;
  try {
    for (;;) {
      const chunk = Buffer.allocUnsafe(Math.min(1024 * 1024, maxBytes + 1 - total));
      let n: number;
      try {
        n = readSync(fd, chunk, 0, chunk.length, null);
      } catch (e) {
        throw cannot(e);
      }
      if (n === 0) break;
      chunks.push(chunk.subarray(0, n));
      total += n;
      if (total > maxBytes) throw pastLimit('too_large', `${label}: more than ${maxBytes} bytes, the limit of a document (STRATA_MAX_BODY_BYTES, as for an HTTP body)`, 'STRATA_MAX_BODY_BYTES');
    }
  } finally {
    closeSync(fd);
  }
  return Buffer.concat(chunks, total).toString('utf8');
}
