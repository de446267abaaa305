/** What commands print: aligned tables, or the API's answer as JSON or YAML (`-o`). */
import { exitCode, limitHint, StrataError, toStrataError } from '../errors/strata-error.ts';
import { maxOf } from '../flow/append-all.ts';

export type Format = 'table' | 'wide' | 'json' | 'yaml' | 'name';

/** The `-o` value, checked: table (the default), wide, json, yaml or name. */
export function outputFormat(o: string | undefined, allowed: Format[] = ['table', 'wide', 'json', 'yaml', 'name']): Format {
  const f = (o ?? 'table') as Format;
  if (!allowed.includes(f)) throw new StrataError('invalid_request', `-o must be ${allowed.filter((a) => a !== 'table').join(', ')}, not "${o}"`);
  return f;
}

/** JSON or YAML of a value (YAML loaded only when asked for). */
export async function serialize(value: unknown, format: 'json' | 'yaml'): Promise<string> {
  if (format === 'json') return `${JSON.stringify(value, null, 2)}\n`;
  return (await import('./yaml-output.ts')).yamlText(value);
}

/** C0 and C1 control characters and DEL; with `lines`, newline and tab are let through. */
const CONTROLS = /[\x00-\x1f\x7f-\x9f]/g;
const CONTROLS_BUT_LINES = /[\x00-\x08\x0b-\x1f\x7f-\x9f]/g;

/**
 * Text from a run or a document as the terminal shows it: control characters written as
 * `\x1b` escapes, so a step's stderr or a document cannot set the title, colours or clear
 * the screen of whoever reads it (as kubectl shows status messages). `lines` keeps newlines
 * and tabs (a list of problems); a table cell or a header value is one line.
 */
export function printable(text: string, opts: { lines?: boolean } = {}): string {
  return text.replace(opts.lines ? CONTROLS_BUT_LINES : CONTROLS, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

/** Columns padded to their widest cell; the header upper-cased, as kubectl and argo print. Cells are shown printable. */
export function table(header: string[], rows: string[][]): string {
  const all = [header.map((h) => h.toUpperCase()), ...rows.map((r) => r.map((c) => printable(c ?? '')))];
  const widths = header.map((_, i) => maxOf(all.map((r) => (r[i] ?? '').length)));
  return `${all.map((r) => r.map((c, i) => (i === r.length - 1 ? c : (c ?? '').padEnd(widths[i]))).join('   ').trimEnd()).join('\n')}\n`;
}

/** A duration for people: 850ms, 12s, 3m4s, 2h5m. */
export function duration(ms: number | undefined | null): string {
  if (ms === undefined || ms === null || Number.isNaN(ms)) return '';
  if (ms < 1000) return `${Math.round(ms)}ms`;
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${s % 60 ? `${s % 60}s` : ''}`;
  return `${Math.floor(s / 3600)}h${Math.floor((s % 3600) / 60) ? `${Math.floor((s % 3600) / 60)}m` : ''}`;
}

/** How long ago an ISO time was, as argo prints ages: 5s, 3m, 2h, 4d. */
export function age(iso: string | null | undefined, now = Date.now()): string {
  if (!iso) return '';
  const s = Math.max(0, Math.round((now - Date.parse(iso)) / 1000));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m`;
  if (s < 86400) return `${Math.floor(s / 3600)}h`;
  return `${Math.floor(s / 86400)}d`;
}

/** `k=v,k2=v2` */
export function labelText(labels: Record<string, string> | undefined): string {
  return Object.entries(labels ?? {}).map(([k, v]) => `${k}=${v}`).join(',');
}

/**
 * What the command line says of a command that threw `e`, and the exit code it ends with:
 * `strata: ` and the error's words, then, for a refusal past a size limit, how to raise it
 * (the service's words when it refused), each a line of stderr.
 */
export function commandFailure(e: unknown): { stderr: string; code: number } {
  const err = toStrataError(e);
  const hint = typeof err.details.hint === 'string' ? err.details.hint : limitHint(err, 'command');
  return { stderr: `strata: ${printable(err.message, { lines: true })}\n${hint !== undefined ? `strata: ${printable(hint)}\n` : ''}`, code: exitCode(err.code) };
}

/**
 * What `strata plan --dry-run` says when the simulated run fails (`failed`: the dry run's
 * words for why), after the order up to the failure, and the exit code it ends with (1: the
 * run would fail): a line of stderr.
 */
export function simulatedRunFailure(failed: string): { stderr: string; code: number } {
  return { stderr: `${printable(`strata: the simulated run failed: ${failed}`, { lines: true })}\n`, code: 1 };
}
