/**
 * printf-style formatting of one value, the subset Argo's `withSequence.format` and shell
 * users reach for: `%d %i %s %x %X %o %f %e %g %%` with the flags `-`, `0`, `+`, space,
 * a width and a precision (`%05d`, `%-8s`, `%.2f`, `part-%03X`). Semantics follow C's
 * printf (ISO C 7.21.6.1) for these conversions; anything else is refused by name.
 */
import { exactJson } from './exact-number.ts';
import { readNumber } from './numbers.ts';

const SPEC = /%([-0+ ]*)([0-9]{0,3})(?:\.([0-9]{1,3}))?([diouxXfFeEgGs%])/g;

/** The longest pattern and output accepted: formatting is work per request, bounded. */
export const MAX_PATTERN = 256;

/** `pattern` with every conversion replaced by `value` formatted; throws an Error naming a bad conversion. */
export function printf(pattern: string, value: unknown): string {
  if (pattern.length > MAX_PATTERN) throw new Error(`format pattern is longer than ${MAX_PATTERN} characters`);
  const stray = pattern.replace(SPEC, '').indexOf('%');
  if (stray >= 0) {
    // A conversion whose width or precision is past 3 digits is one, said as such (Argo tester 6, Q15).
    const wide = /%[-0+ ]*([0-9]*)(?:\.([0-9]*))?[diouxXfFeEgGs]/.exec(pattern.replace(SPEC, ''));
    if (wide && ((wide[1] ?? '').length > 3 || (wide[2] ?? '').length > 3)) throw new Error(`format "${pattern}": the width or precision of "${wide[0]}" is more than 999`);
    throw new Error(`format "${pattern}": "%" must start a conversion such as %d, %05d, %x, %.2f, %s or %%`);
  }
  return pattern.replace(SPEC, (_m, flags: string, width: string, precision: string | undefined, conv: string) => {
    if (conv === '%') return '%';
    const left = flags.includes('-');
    const zero = flags.includes('0') && !left && conv !== 's';
    const sign = flags.includes('+') ? '+' : flags.includes(' ') ? ' ' : '';
    let body: string;
    let neg = false;
    if (conv === 's') {
      // As substitution writes it: a number read from JSON text (`1.50`) as its text.
      body = typeof value === 'string' ? value : value === undefined ? '' : exactJson(value);
      if (precision !== undefined) body = body.slice(0, Number(precision));
    } else {
      const n = readNumber(value);
      if (n === undefined) throw new Error(`format "%${conv}" needs a number, got ${JSON.stringify(value)}`);
      neg = n < 0 || Object.is(n, -0);
      const a = Math.abs(n);
      switch (conv) {
        case 'd': case 'i': case 'u': body = Math.trunc(a).toString(); break;
        case 'x': body = Math.trunc(a).toString(16); break;
        case 'X': body = Math.trunc(a).toString(16).toUpperCase(); break;
        case 'o': body = Math.trunc(a).toString(8); break;
        case 'f': case 'F': body = a.toFixed(Number(precision ?? 6)); break;
        case 'e': case 'E': body = expo(a, Number(precision ?? 6)); break;
        default: body = a.toPrecision(Math.max(1, Number(precision ?? 6))).replace(/(\.\d*?)0+$/, '$1').replace(/\.$/, ''); break;
      }
      if (conv === 'E' || conv === 'G') body = body.toUpperCase();
      if ('diuxXo'.includes(conv) && precision !== undefined) body = body.padStart(Number(precision), '0');
    }
    const prefix = conv === 's' ? '' : neg ? '-' : sign;
    const w = Number(width || 0);
    if (zero && (precision === undefined || !'diuxXo'.includes(conv))) return prefix + body.padStart(Math.max(0, w - prefix.length), '0');
    const text = prefix + body;
    return left ? text.padEnd(w, ' ') : text.padStart(w, ' ');
  });
}

/** C's %e: one digit, the fraction, then an exponent of at least two digits. */
function expo(a: number, precision: number): string {
  const [m, e] = a.toExponential(precision).split('e');
  const exp = Number(e);
  return `${m}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
}
