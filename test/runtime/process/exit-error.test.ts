import { describe, expect, it } from 'vitest';
import { appendTail, exitError } from '../../../runtime/process/exit-error.ts';

describe('exitError', () => {
  it.each([
    { what: 'a non-zero exit with the last stderr line', exit: { exitCode: 2 }, tail: 'warming up\nno such table\n', error: 'exited with code 2: no such table' },
    { what: 'a non-zero exit with nothing on stderr', exit: { exitCode: 1 }, tail: '', error: 'exited with code 1' },
    { what: 'a signal', exit: { exitCode: null, signal: 'SIGSEGV' }, tail: '', error: 'killed by SIGSEGV' },
    { what: 'a Node.js crash: its error line, then its last', exit: { exitCode: 1 }, tail: "[eval]:1\nnull.total\n     ^\n\nTypeError: Cannot read properties of null (reading 'total')\n    at [eval]:1:6\n    at runScriptInThisContext (node:internal/vm:209:10)\n\nNode.js v20.20.2\n", error: "exited with code 1: TypeError: Cannot read properties of null (reading 'total') (stderr ends: Node.js v20.20.2)" },
    { what: 'a Python traceback: its last line names the error', exit: { exitCode: 1 }, tail: 'Traceback (most recent call last):\n  File "x.py", line 1, in <module>\nZeroDivisionError: division by zero\n', error: 'exited with code 1: ZeroDivisionError: division by zero' },
    { what: 'a stack frame is never the error line', exit: { exitCode: 1 }, tail: 'at handleError (x.js:1:2)\ngave up\n', error: 'exited with code 1: gave up' },
    { what: 'the driver\'s own reason first', exit: { exitCode: null, signal: 'SIGTERM', error: 'timed out after 3s' }, tail: 'x', error: 'timed out after 3s' },
  ])('describes $what', ({ exit, tail, error }) => {
    expect(exitError({ step: 's', attempt: 1, ...exit }, tail)).toBe(error);
  });

  it('keeps only the end of a long stream', () => {
    expect(appendTail('abc', 'defg', 4)).toBe('defg');
  });
});
