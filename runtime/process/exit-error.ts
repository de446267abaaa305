/** The error a step gets when its container did not exit 0: how it ended, and the gist of what it wrote to stderr. */
import type { ContainerExit } from './container-driver.ts';

/** A plain sentence for a container's failed exit. */
export function exitError(e: ContainerExit, stderrTail: string): string {
  if (e.error) return e.error;
  const what = e.signal ? `killed by ${e.signal}` : `exited with code ${e.exitCode}`;
  const gist = stderrGist(stderrTail);
  return gist ? `${what}: ${gist}` : what;
}

// A line that names an error: `TypeError: ...`, `java.io.IOException`, `error: ...`, `panic:`,
// `FATAL`; never a stack frame (`    at f (file:1:2)`, `  File "x", line 3`).
const ERROR_LINE = /(?:^|[\s:([])(?:[\w.$]*(?:Error|Exception)\b|error\b|ERROR\b|fatal\b|FATAL\b|panic:)/;
const FRAME = /^(?:at |File "|\.\.\. \d+ more)/;
const cut = (line: string) => (line.length > 300 ? `${line.slice(0, 300)}…` : line);

/**
 * What to say of a failed program's stderr (its tail): its last line that names an error, and
 * the last line after it when that differs (Node.js ends a crash with `Node.js v20.20.2`, which
 * alone says nothing: tester 19); the last line alone when none names one.
 */
export function stderrGist(tail: string): string {
  const lines = tail.split('\n').map((l) => l.trim()).filter((l) => l !== '');
  const last = lines.at(-1);
  if (last === undefined) return '';
  let error: string | undefined;
  for (let i = lines.length - 1; i >= 0 && error === undefined; i--) if (!FRAME.test(lines[i]) && ERROR_LINE.test(lines[i])) error = lines[i];
  if (error === undefined || error === last) return cut(last);
  return `${cut(error)} (stderr ends: ${cut(last)})`;
}

/** Keep the last `max` characters of a stream (enough for an error and its stack). */
export function appendTail(tail: string, chunk: string, max = 2048): string {
  return (tail + chunk).slice(-max);
}
