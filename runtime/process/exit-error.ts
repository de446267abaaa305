/** The error a step gets when its container did not exit 0: how it ended, and the last line it wrote to stderr. */
import type { ContainerExit } from './container-driver.ts';

/** A plain sentence for a container's failed exit. */
export function exitError(e: ContainerExit, stderrTail: string): string {
  if (e.error) return e.error;
  const what = e.signal ? `killed by ${e.signal}` : `exited with code ${e.exitCode}`;
  const last = stderrTail.trimEnd().split('\n').pop()?.trim().slice(0, 300);
  return last ? `${what}: ${last}` : what;
}

/** Keep the last `max` characters of a stream (enough for the last line or two). */
export function appendTail(tail: string, chunk: string, max = 2048): string {
  return (tail + chunk).slice(-max);
}
