/** The words for why a pod was stopped, from an AbortSignal's reason. */
import { timedOutError } from '../../src/engine/timeout-error.ts';

/** 'cancelled' for a bare abort(), else the reason's message or text. */
export function abortReason(signal: AbortSignal): string {
  const r: unknown = signal.reason;
  if (r === undefined || (r instanceof Error && r.name === 'AbortError')) return 'cancelled';
  if (r instanceof Error) return r.message;
  return typeof r === 'string' ? r : 'cancelled';
}

/** A signal that aborts with `outer`, or by itself after `ms` with "timed out after Ns". */
export function withTimeout(outer: AbortSignal, ms: number | undefined): { signal: AbortSignal; clear(): void } {
  const ctl = new AbortController();
  const onOuter = () => ctl.abort(outer.reason);
  if (outer.aborted) onOuter();
  else outer.addEventListener('abort', onOuter, { once: true });
  const timer = ms !== undefined ? setTimeout(() => ctl.abort(new Error(timedOutError(ms / 1000))), ms) : undefined;
  return {
    signal: ctl.signal,
    clear() {
      if (timer) clearTimeout(timer);
      outer.removeEventListener('abort', onOuter);
    },
  };
}
