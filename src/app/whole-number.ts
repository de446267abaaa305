/**
 * A whole-number environment variable: its range, how a value is read, and the sentence that
 * refuses a bad one (`STRATA_LOCK_MS must be a whole number of milliseconds from 1000 to
 * 86400000, not "abc"`). Shared by the service's configuration (config.ts, through zod) and
 * the `strata` command's client (cli/api-client.ts), which must start without loading zod.
 * Pure.
 */
import { shortenEchoes } from '../errors/strata-error.ts';

/** What a variable counts (`a whole number of milliseconds`) and the least and most it takes. */
export interface WholeRange {
  what: string;
  min: number;
  max: number;
}

/** The longest wait any variable of milliseconds takes: a day. */
export const DAY_MS = 86_400_000;

/** A range of milliseconds from `min` to a day. */
export const msRange = (min: number): WholeRange => ({ what: 'a whole number of milliseconds', min, max: DAY_MS });

/** `a whole number of milliseconds from 1000 to 86400000`: what a refusal says the variable must be. */
export const rangeWords = (r: WholeRange): string => `${r.what} from ${r.min} to ${r.max}`;

/** `text` (spaces around it ignored) as a whole number written in digits within `r`; undefined for anything else (`10s`, `+5`, `1e3`, digits past a double's range). */
export function wholeNumber(text: string, r: WholeRange): number | undefined {
  const t = text.trim();
  const n = /^\d+$/.test(t) ? Number(t) : NaN;
  return n >= r.min && n <= r.max ? n : undefined;
}

/** The refusal of variable `name`: `NAME must be WORDS, not "VALUE"` (a long value by its head and length; `shown` undefined: never echoed, a secret). */
export function mustBe(name: string, words: string, shown: string | undefined): string {
  return `${name} must be ${words}${shown === undefined ? '' : `, not ${shortenEchoes(JSON.stringify(shown))}`}`;
}
