/**
 * What reading JSON would change without a word (tester 17): a key given twice in one object
 * (JSON.parse keeps the last value), and numbers a JavaScript number cannot hold. JSON.parse reads `1e309` as Infinity,
 * which JSON then writes as null; `12345678901234567890` as 12345678901234567000; `1e-400`
 * as 0. A Dataset's attribute, a flow's default or a step's result so changed was stored and
 * used changed without a word (a rule saw Infinity at ingest, the same Dataset from a generate
 * step's result null). Such a number is refused where it is read, naming its place, with how
 * to keep it (write it as text). A fraction's last binary digits are not counted as lost: only
 * a number past the range, one read as 0, and a whole number not held exactly. A key given
 * twice is refused likewise, naming the object and the key, as YAML refuses it.
 */

/** One number (or key given twice) refused: where and why. */
export interface LossyNumber {
  path: string;
  message: string;
}

// A text with no 16 digits in a row and no three-digit exponent holds no number past the range,
// read as 0, or a whole number past 2^53 (a number past 2^53 has 16 digits, or an exponent).
export const SUSPECT = /[0-9]{16}|[eE][-+]?[0-9]{3}/;

/** Why the number written `text` (JSON or YAML number syntax) and read as `n` is lost, or undefined when it is held. */
export function lossOf(text: string, n: number): string | undefined {
  const keep = `write it as text ("${text}") to keep it`;
  if (!Number.isFinite(n)) return `the number ${text} is past the range of numbers strata holds (about ±1.8e308; it would be stored as null): ${keep}`;
  const m = /^[-+]?([0-9]*)(?:\.([0-9]*))?(?:[eE]([-+]?[0-9]+))?$/.exec(text);
  if (!m) return Number.isInteger(n) && !Number.isSafeInteger(n) ? wholeLoss(text, n, keep) : undefined;
  let digits = (m[1] + (m[2] ?? '')).replace(/^0+/, '');
  if (digits === '') return undefined; // zero, written some way
  if (n === 0) return `the number ${text} is too small for strata to hold (it would be read as 0): ${keep}`;
  let exp = Number(m[3] ?? 0) - (m[2] ?? '').length;
  const zeros = /0+$/.exec(digits)?.[0].length ?? 0;
  digits = digits.slice(0, digits.length - zeros);
  exp += zeros;
  if (exp < 0) return undefined; // a fraction: its last binary digits are a fraction's
  const exact = BigInt(digits) * 10n ** BigInt(exp);
  return exact === BigInt(Math.abs(n)) ? undefined : wholeLoss(text, n, keep);
}

function wholeLoss(text: string, n: number, keep: string): string {
  return `the whole number ${text} cannot be held exactly by strata (it would be read as ${BigInt(n)}; whole numbers are exact up to 9007199254740991): ${keep}`;
}

/** Path of member `k` under `at`. */
export const member = (at: string, k: string | number) => (typeof k === 'number' ? `${at}[${k}]` : at === '' ? k : `${at}.${k}`);
export const under = (source: string, at: string) => (at === '' ? source : at.startsWith('[') ? `${source}${at}` : `${source}.${at}`);

/**
 * What reading JSON `text` would change without a word, each with its path under `source`:
 * a number a JavaScript number cannot hold (members whose path is in `skip` left out: values
 * kept as their text elsewhere), and a key given twice in one object (JSON.parse keeps the
 * last value; YAML refuses it, src/flow/yaml-duplicate-keys.ts), never skipped. `text` is JSON
 * that JSON.parse has read (a text that is not gives no sure answer). One pass over the
 * text, O(length): a Set of keys per object, held only while that object is read, so memory
 * is the keys of the objects open at once (at most the text's).
 */
export function jsonTextProblems(text: string, source: string, skip: ReadonlySet<string> = new Set()): LossyNumber[] {
  const out: LossyNumber[] = [];
  const open: Frame[] = [];
  const pathTo = (depth: number) => {
    let at = '';
    for (let d = 0; d < depth; d++) at = member(at, open[d].keys ? open[d].key : open[d].index);
    return at;
  };
  const skipped = () => {
    if (skip.size === 0) return false;
    for (let d = 0; d <= open.length; d++) if (skip.has(pathTo(d))) return true;
    return false;
  };
  const n = text.length;
  let i = 0;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      let end = text.indexOf('"', i + 1);
      for (;;) {
        let b = end - 1;
        while (text.charCodeAt(b) === BACKSLASH) b--;
        if ((end - 1 - b) % 2 === 0) break; // an even number of backslashes before it: the closing quote
        end = text.indexOf('"', end + 1);
      }
      const top = open[open.length - 1];
      if (top?.keys && top.wantKey) {
        const raw = text.slice(i + 1, end);
        // Written with an escape (`"n\u0061me"`), a key is the key it reads as.
        const key = raw.includes('\\') ? (JSON.parse(`"${raw}"`) as string) : raw;
        top.key = key;
        top.wantKey = false;
        if (top.keys.has(key)) {
          const where = pathTo(open.length - 1);
          out.push({ path: under(source, pathTo(open.length)), message: `the key ${JSON.stringify(key)} is given twice in ${where === '' ? source : under(source, where)} (JSON would keep only its last value; YAML refuses it): give each key once` });
        } else top.keys.add(key);
      }
      i = end + 1;
    } else if (c === OPEN_OBJECT) {
      open.push({ keys: new Set(), key: '', wantKey: true, index: 0 });
      i++;
    } else if (c === OPEN_LIST) {
      open.push({ keys: undefined, key: '', wantKey: false, index: 0 });
      i++;
    } else if (c === CLOSE_OBJECT || c === CLOSE_LIST) {
      open.pop(); // its keys go with it
      i++;
    } else if (c === COMMA) {
      const top = open[open.length - 1];
      if (top.keys) top.wantKey = true;
      else top.index++;
      i++;
    } else if (c === MINUS || (c >= ZERO && c <= NINE)) {
      let j = i + 1;
      let e = -1;
      for (; j < n; j++) {
        const d = text.charCodeAt(j);
        if (d === LOWER_E || d === UPPER_E) e = j;
        else if (!((d >= ZERO && d <= NINE) || d === DOT || d === MINUS || d === PLUS)) break;
      }
      // Only 16 characters or more, or a three-digit exponent, can hold a number that is lost (SUSPECT).
      if (j - i >= 16 || (e >= 0 && j - e - 1 - (/[-+]/.test(text[e + 1]) ? 1 : 0) >= 3)) {
        const written = text.slice(i, j);
        const why = lossOf(written, Number(written));
        if (why !== undefined && !skipped()) out.push({ path: under(source, pathTo(open.length)), message: why });
      }
      i = j;
    } else i++;
  }
  return out;
}

// Every number's path starts with '' (the whole text): skipped, so only keys given twice are said.
const NO_NUMBERS: ReadonlySet<string> = new Set(['']);

/**
 * The keys given twice in JSON `text` (jsonTextProblems without its numbers), each at its
 * path under `source`; none without a `{`, so a list of plain values costs one look.
 */
export function duplicateKeys(text: string, source: string): LossyNumber[] {
  return text.includes('{') ? jsonTextProblems(text, source, NO_NUMBERS) : [];
}

/** An object or list being read: an object's keys so far and current key, a list's current index. */
interface Frame {
  keys: Set<string> | undefined;
  key: string;
  wantKey: boolean;
  index: number;
}

const [QUOTE, BACKSLASH, OPEN_OBJECT, CLOSE_OBJECT, OPEN_LIST, CLOSE_LIST, COMMA, MINUS, PLUS, DOT, ZERO, NINE, LOWER_E, UPPER_E] = [...'"\\{}[],-+.09eE'].map((ch) => ch.charCodeAt(0));

