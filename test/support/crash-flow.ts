/**
 * A step whose program crashes as Node.js does (tester 19): a line on stderr first, then
 * Node's report of an uncaught TypeError (the source line, a caret, the error, its stack,
 * a blank line, `Node.js vX`), so the error's line is not the last one.
 */
const SCRIPT = "console.error('warming up'); const results = [null]; results.reduce((s, r) => s + r.total, 0);";

/** A flow root of one step `crash` running SCRIPT with node. */
export const crashRoot = { sequence: [{ id: 'crash', task: { image: 'node:20-alpine', command: ['node', '-e', SCRIPT] } }] };

/** What the step's error must hold: how it ended and Node's error line. */
export const CRASH_ERROR = /^exited with code 1: TypeError: Cannot read properties of null \(reading 'total'\)/;
