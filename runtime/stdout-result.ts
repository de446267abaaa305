/**
 * A step's standard output as its result (`task.result: stdout` or `text`,
 * docs/flow-language.md): the last 256 KiB kept while the program runs (as Argo's
 * CaptureScriptResult keeps "only the last 256 kB": a program that logs and prints its
 * answer last keeps the answer), then trimmed and
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

/**
 * Keeps the last STDOUT_RESULT_LIMIT bytes of a stream (and one more: `text` takes one
 * trailing newline off before it counts, as Argo does), and how many came.
 */
export class StdoutCapture {
  private readonly parts: Buffer[] = [];
  /** bytes held in `parts` (a part is dropped only whole, so up to a part more than kept) */
  private bytes = 0;
  /** bytes seen in all */
  private total = 0;

  /** `stdout`: trimmed, JSON when it reads back the same (parseTrimmed); `text`: as written, less one trailing newline (exactText) */
  constructor(
    private readonly mode: 'stdout' | 'text' = 'stdout',
    private readonly limit = STDOUT_RESULT_LIMIT,
  ) {}

  add(chunk: string | Buffer): void {
    const b = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    if (b.length === 0) return;
    this.parts.push(b);
    this.bytes += b.length;
    this.total += b.length;
    // Drop whole parts that lie before the last `limit` + 1 bytes.
    while (this.parts.length > 1 && this.bytes - this.parts[0].length > this.limit) this.bytes -= this.parts.shift()!.length;
  }

  /** The result, and a line for the step's log when the output was cut. */
  result(): { result: JsonValue; note?: string } {
    const kept = Buffer.concat(this.parts);
    // Argo's CaptureScriptResult takes one trailing newline off, then keeps the last 256 kB.
    const newline = this.mode === 'text' && kept.length > 0 && kept[kept.length - 1] === 0x0a ? 1 : 0;
    if (this.total - newline <= this.limit) {
      const text = kept.toString('utf8');
      return { result: this.mode === 'text' ? exactText(text) : parseTrimmed(text) };
    }
    const all = kept.subarray(0, kept.length - newline);
    let tail = all.subarray(Math.max(0, all.length - this.limit));
    // Start at a character: the cut may fall inside one (UTF-8 continuation bytes are 10xxxxxx).
    while (tail.length > 0 && (tail[0] & 0xc0) === 0x80) tail = tail.subarray(1);
    const text = tail.toString('utf8');
    return { result: this.mode === 'text' ? text : text.trim(), note: `strata: the standard output is longer than ${this.limit} bytes: the result is its last ${this.limit} bytes, as text (as Argo keeps only the last 256 kB)\n` };
  }
}

/** Trimmed text, as JSON when the whole of it reads as JSON without losing its text. */
export function parseTrimmed(text: string): JsonValue {
  return textOrJson(text);
}

/**
 * The result from a file holding a program's standard output (its last bytes at least):
 * the same rules as StdoutCapture. Read as a regular file only, at most `limit` + 2 bytes
 * (the wrapper keeps that many);
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
    while (read <= limit + 1) {
      const n = readSync(fd, buf, 0, Math.min(buf.length, limit + 2 - read), null);
      if (n === 0) break;
      capture.add(Buffer.from(buf.subarray(0, n)));
      read += n;
    }
  } finally {
    closeSync(fd);
  }
  return capture;
}
