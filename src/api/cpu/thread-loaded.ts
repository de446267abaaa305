/**
 * The message a CPU pool thread posts once its module is loaded (cpu-worker.ts), which the
 * pool waits for before it stops the thread (cpu-pool.ts close). piscina's own signal is
 * not enough: it emits workerCreate for the threads it starts with before they load anything.
 */
export const THREAD_LOADED = 'strata.cpu-thread-loaded';

export interface ThreadLoaded {
  type: typeof THREAD_LOADED;
  threadId: number;
}

/** True for a thread's loaded message. */
export function isThreadLoaded(m: unknown): m is ThreadLoaded {
  return typeof m === 'object' && m !== null && (m as { type?: unknown }).type === THREAD_LOADED && typeof (m as { threadId?: unknown }).threadId === 'number';
}
