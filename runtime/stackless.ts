/**
 * System calls whose error is an expected answer (ESRCH from a gone process group, EEXIST
 * from a directory made already, ENOENT from an output not written): their errors are made
 * without a stack trace. Node builds a stack trace for every error a synchronous call
 * throws, and at a container's exit and start these answers come a few times a container,
 * which made the trace the larger part of the calls' cost (docs/performance.md, Thirteenth
 * pass). The error's code and message are unchanged; strata never shows a stack trace.
 */

/** `fn()`, any error it throws made without a stack trace. */
export function stackless<T>(fn: () => T): T {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return fn();
  } finally {
    Error.stackTraceLimit = limit;
  }
}
