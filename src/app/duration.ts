/** Durations in configuration and documents: `90s`, `30m`, `12h`, `7d`, `500ms`, or plain `0`. */

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** Milliseconds for a duration text; undefined when it is not one (negative, unknown unit, over 10 years). */
export function parseDuration(text: string): number | undefined {
  if (text === '0') return 0;
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)$/.exec(text.trim());
  if (!m) return undefined;
  const ms = Math.round(Number(m[1]) * UNIT_MS[m[2]]);
  return ms <= 10 * 365 * UNIT_MS.d ? ms : undefined;
}
