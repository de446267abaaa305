/**
 * A step's standard output as its result (`task.result: stdout` or `text`,
 * docs/flow-language.md): the first 256 KiB kept while the program runs, then trimmed and
 * read as JSON when the whole text parses without losing its text (`stdout`), or kept as
 * written less one trailing newline (`text`, Argo's outputs.result) (src/logic/json-text.ts). Used by the local runtime and the quarterback
 * (read as the program writes it), and by the Kubernetes runtime (read from the file a
 * wrapper kept it in, runtime/kubernetes/stdout-wrapper.ts).
 */
import { closeSync, readSync } from 'node:fs';
import { openRegularSync } from './output-files.ts';
import type { JsonValue } from '../src/flow/types.ts';
import { exactText, STDOUT_RESULT_LIMIT, textOrJson } from '../src/logic/json-text.ts';

export { STDOUT_RESULT_LIMIT };

/** Keeps the first STDOUT_RESULT_LIMIT bytes of a stream, and whether more came. */
export class StdoutCapture {
  private readonly parts: Buffer[] = [];
  private bytes = 0;
  cut = false;

  /** `stdout`: trimmed, JSON when it reads back the same (parseTrimmed); `text`: as written, less one trailing newline (exactText) */
  constructor(
    private readonly mode: 'stdout' | 'text' = 'stdout',
    private readonly limit = STDOUT_RESULT_LIMIT,
  ) {}

  add(chunk: string | Buffer): void {
    if (this.cut) return;
    const b = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    const room = this.limit - this.bytes;
    if (b.length > room) {
      this.parts.push(b.subarray(0, room));
      this.bytes = this.limit;
      this.cut = true;
      return;
    }
    this.parts.push(b);
    this.bytes += b.length;
  }

  /** The result, and a line for the step's log when the output was cut. */
  result(): { result: JsonValue; note?: string } {
    const text = Buffer.concat(this.parts).toString('utf8');
    if (this.cut) return { result: this.mode === 'text' ? text : text.trim(), note: `strata: the standard output is longer than ${this.limit} bytes: the result is its first ${this.limit} bytes, as text\n` };
    return { result: this.mode === 'text' ? exactText(text) : parseTrimmed(text) };
  }
}

/** Trimmed text, as JSON when the whole of it reads as JSON without losing its text. */
export function parseTrimmed(text: string): JsonValue {
  return textOrJson(text);
}

/**
 * The result from a file holding a program's standard output (its first bytes at least):
 * the same rules as StdoutCapture. Read as a regular file only, at most `limit` + 1 bytes;
 * undefined when there is no such file (the program never started).
 */
export function stdoutFromFile(file: string, mode: 'stdout' | 'text' = 'stdout', limit = STDOUT_RESULT_LIMIT): { result: JsonValue; note?: string } | undefined {
  return readStdoutFile(file, mode, limit)?.result();
}

/** The capture of a file holding a program's standard output (stdoutFromFile); undefined when there is no such file. */
export function readStdoutFile(file: string, mode: 'stdout' | 'text' = 'stdout', limit = STDOUT_RESULT_LIMIT): StdoutCapture | undefined {
  // Never through a link (or a FIFO) the step put in its place: a StepFileError saying so.
  const fd = openRegularSync(file, 'the standard output kept as the result');
  if (fd === undefined) return undefined;
  const capture = new StdoutCapture(mode, limit);
  try {
    const buf = Buffer.alloc(64 * 1024);
    let read = 0;
    while (read <= limit) {
      const n = readSync(fd, buf, 0, Math.min(buf.length, limit + 1 - read), null);
      if (n === 0) break;
      capture.add(Buffer.from(buf.subarray(0, n)));
      read += n;
    }
  } finally {
    closeSync(fd);
  }
  return capture;
}
