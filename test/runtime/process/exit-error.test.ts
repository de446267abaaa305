import { describe, expect, it } from 'vitest';
import { appendTail, exitError } from '../../../runtime/process/exit-error.ts';

describe('exitError', () => {
  it.each([
    { what: 'a non-zero exit with the last stderr line', exit: { exitCode: 2 }, tail: 'warming up\nno such table\n', error: 'exited with code 2: no such table' },
    { what: 'a non-zero exit with nothing on stderr', exit: { exitCode: 1 }, tail: '', error: 'exited with code 1' },
    { what: 'a signal', exit: { exitCode: null, signal: 'SIGSEGV' }, tail: '', error: 'killed by SIGSEGV' },
    { what: 'the driver\'s own reason first', exit: { exitCode: null, signal: 'SIGTERM', error: 'timed out after 3s' }, tail: 'x', error: 'timed out after 3s' },
  ])('describes $what', ({ exit, tail, error }) => {
    expect(exitError({ step: 's', attempt: 1, ...exit }, tail)).toBe(error);
  });

  it('keeps only the end of a long stream', () => {
    expect(appendTail('abc', 'defg', 4)).toBe('defg');
  });
});
