/**
 * The size of a result as JSON, in UTF-8 bytes, counted without writing the JSON. A
 * composite's result (a graph's map, a fan-out's list) holds its children's results by
 * reference, so each object's size is remembered (a WeakMap): a composite costs the
 * entries it adds, not a walk of everything below it, and a run of n steps counts O(n)
 * in all. Pure computation; no I/O.
 */
import type { JsonValue } from '../flow/types.ts';

/** UTF-8 bytes of a string's JSON text (quotes and escapes included). */
function textBytes(s: string): number {
  // Printable ASCII with no quote or backslash is itself plus two quotes: the usual step id
  // and key, counted without writing its JSON (a million keys of a graph's result were 2%
  // of a million-step dry run).
  let plain = true;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || c > 0x7e || c === 0x22 || c === 0x5c) {
      plain = false;
      break;
    }
  }
  if (plain) return s.length + 2;
  const json = JSON.stringify(s);
  let n = json.length;
  for (let i = 0; i < json.length; i++) {
    const c = json.charCodeAt(i);
    // 2 bytes up to U+07FF, 3 above; a surrogate pair (2 code units) is 4 bytes.
    if (c >= 0x80) n += c < 0x800 ? 1 : c >= 0xd800 && c <= 0xdbff ? 1 : c >= 0xdc00 && c <= 0xdfff ? 1 : 2;
  }
  return n;
}

export class ResultSizes {
  private readonly memo = new WeakMap<object, number>();

  /** Bytes of `v` as JSON.stringify would write it (UTF-8); `undefined` values in objects are left out as JSON does. */
  of(v: JsonValue | undefined): number {
    if (v === null) return 4;
    switch (typeof v) {
      case 'string': return textBytes(v);
      case 'number': return String(Number.isFinite(v) ? v : null).length;
      case 'boolean': return v ? 4 : 5;
      case 'object': break;
      default: return 0;
    }
    const known = this.memo.get(v);
    if (known !== undefined) return known;
    let n = 2;
    if (Array.isArray(v)) {
      // A missing or undefined element is written `null`.
      for (let i = 0; i < v.length; i++) n += (i > 0 ? 1 : 0) + (v[i] === undefined ? 4 : this.of(v[i]));
    } else {
      let first = true;
      for (const k in v) {
        const x = (v as Record<string, JsonValue | undefined>)[k];
        if (x === undefined) continue;
        n += (first ? 0 : 1) + textBytes(k) + 1 + this.of(x);
        first = false;
      }
    }
    this.memo.set(v, n);
    return n;
  }

  /** Bytes one entry `"key":value` adds to an object's JSON (its comma apart). */
  entry(key: string, value: JsonValue): number {
    return textBytes(key) + 1 + this.of(value);
  }

  /**
   * Remember `v`'s size, counted by whoever built it (a graph adds up its children's
   * entries as they end): `of(v)` then walks nothing. A graph of a million children was a
   * walk of a million keys as it ended, most of it V8 listing the keys of so large an object.
   */
  remember(v: object, bytes: number): void {
    this.memo.set(v, bytes);
  }
}
