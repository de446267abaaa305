/** The words for why a pod was stopped, from an AbortSignal's reason, and whether it was its timeout. */
import { timedOutError } from '../../src/engine/timeout-error.ts';

/** The name of the abort reason of a timeout, as the platform's AbortSignal.timeout() names its own. */
const TIMEOUT = 'TimeoutError';

/** 'cancelled' for a bare abort(), else the reason's message or text. */
export function abortReason(signal: AbortSignal): string {
  const r: unknown = signal.reason;
  if (r === undefined || (r instanceof Error && r.name === 'AbortError')) return 'cancelled';
  if (r instanceof Error) return r.message;
  return typeof r === 'string' ? r : 'cancelled';
}

/** True when `signal` was aborted by withTimeout's own timer (not by its outer signal). */
export function abortedByTimeout(signal: AbortSignal): boolean {
  const r: unknown = signal.reason;
  return signal.aborted && r instanceof StepTimeout;
}

/** The reason withTimeout aborts with; the class, not its name or words, tells it apart. */
class StepTimeout extends Error {
  override name = TIMEOUT;
}

/** A signal that aborts with `outer`, or by itself after `ms` with "timed out after Ns" (abortedByTimeout). */
export function withTimeout(outer: AbortSignal, ms: number | undefined): { signal: AbortSignal; clear(): void } {
  const ctl = new AbortController();
  const onOuter = () => ctl.abort(outer.reason);
  if (outer.aborted) onOuter();
  else outer.addEventListener('abort', onOuter, { once: true });
  const timer = ms !== undefined ? setTimeout(() => ctl.abort(new StepTimeout(timedOutError(ms / 1000))), ms) : undefined;
  return {
    signal: ctl.signal,
    clear() {
      if (timer) clearTimeout(timer);
      outer.removeEventListener('abort', onOuter);
    },
  };
}
