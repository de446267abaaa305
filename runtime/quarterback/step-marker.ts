/**
 * The step marker: the line a step container prints before the step's own output on
 * Kubernetes (the gate's run script, sidecar/entrypoint/gate-protocol.ts), so that the
 * one log stream of a slot container, which runs many steps one after another, can be
 * split by step again (runtime/kubernetes/log-splitter.ts). Written once here, below both
 * sides: `::strata-step:: <step> <attempt>`.
 */

/** The marker's first word. */
export const STEP_MARKER = '::strata-step::';

/** The marker line of a step's attempt (without the line end). */
export function markerLine(step: string, attempt: number): string {
  return `${STEP_MARKER} ${step} ${attempt}`;
}

/** A step's log lines begin after its marker; the marker names the step and the attempt. */
export function parseMarker(line: string): { step: string; attempt: number } | undefined {
  if (!line.startsWith(`${STEP_MARKER} `)) return undefined;
  const [step, attempt] = line.slice(STEP_MARKER.length + 1).trim().split(' ');
  if (!step || !/^[0-9]+$/.test(attempt ?? '')) return undefined;
  return { step, attempt: Number(attempt) };
}
