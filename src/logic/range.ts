/**
 * The numeric range of json-logic's `range` operation (docs/flow-language.md, Ranges):
 * from `start` to `end`, both included, by `step` (1, or -1 when end < start), each number
 * optionally written through a printf-style `format`, as Argo's `withSequence` does.
 */
import { readNumber } from './numbers.ts';
import { printf } from './printf.ts';

/** Numbers one range may give: a fan-out over more is a mistake, and this bounds the work. */
export const MAX_RANGE = 100_000;

/** The range's values; throws an Error with a sentence when the arguments are not numbers, step is 0 or it is too long. */
export function range(start: unknown, end: unknown, step?: unknown, format?: unknown): Array<number | string> {
  const s = num(start, 'start');
  const e = num(end, 'end');
  const by = step === undefined || step === null ? (e < s ? -1 : 1) : num(step, 'step');
  if (by === 0) throw new Error('range step must not be 0');
  if (format !== undefined && format !== null && typeof format !== 'string') throw new Error('range format must be a string such as "%02d"');
  const count = (e - s) / by < 0 ? 0 : Math.floor((e - s) / by + 1e-9) + 1;
  if (count > MAX_RANGE) throw new Error(`range from ${s} to ${e} by ${by} would give ${count} numbers, more than ${MAX_RANGE}`);
  const out: Array<number | string> = [];
  for (let i = 0; i < count; i++) {
    // Multiplying, not adding, keeps 0.1 steps from drifting (0.30000000000000004).
    const v = Number((s + i * by).toPrecision(15));
    out.push(typeof format === 'string' ? printf(format, v) : v);
  }
  return out;
}

function num(v: unknown, what: string): number {
  // A number, or a text that is one whole (Argo's parameters are text): never "4x" read as 4, nor "0x10" as 16.
  const n = readNumber(v);
  if (n === undefined) throw new Error(`range ${what} must be a number, got ${JSON.stringify(v)}`);
  return n;
}
