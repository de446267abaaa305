import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ResultSizes } from '../../src/engine/result-size.ts';
import type { JsonValue } from '../../src/flow/types.ts';
import { compile, task } from '../fixtures/build-flow.ts';
import { done, engine, ok, started } from './drive.ts';

const bytes = (v: unknown) => new TextEncoder().encode(JSON.stringify(v)).length;

describe('ResultSizes', () => {
  it('counts the UTF-8 bytes JSON.stringify writes, for any JSON value', () => {
    fc.assert(fc.property(fc.jsonValue(), (v) => {
      expect(new ResultSizes().of(v as JsonValue)).toBe(bytes(v));
    }));
  });

  it('counts escapes, non-ASCII text and surrogate pairs as JSON writes them', () => {
    const v = { 'ké\n': ['"\\', '日本', '😀', '\u0001'], n: -1.5e-7 };
    expect(new ResultSizes().of(v)).toBe(bytes(v));
  });

  it('remembers a child result, so a composite holding it is counted from what it adds', () => {
    const sizes = new ResultSizes();
    const child = { big: 'x'.repeat(1000) };
    expect(sizes.of(child)).toBe(bytes(child));
    const parent = { a: child, b: child };
    expect(sizes.of(parent)).toBe(bytes(parent));
    // Mutating the remembered child does not change its count: results are never mutated after they are finished.
    (child as Record<string, unknown>).more = 1;
    expect(sizes.of(child)).toBe(1000 + 10);
  });
});

describe("a graph's result, counted as its children end (not walked when the graph ends)", () => {
  const root = compile({ graph: { nodes: { a: task(), b: task(undefined, { dependsOn: ['a'] }), 'c.1': task(), d: task(undefined, { dependsOn: ['b', 'c.1'] }) } } }).root;
  const results: Record<string, JsonValue> = { a: { 'ké\n': ['"\\', '日本', '😀'] }, b: [1.5, null, true], 'c.1': 'plain', d: { nested: { n: -2 } } };
  const whole = bytes(results);

  /** The run's end with the composite result limit at `max`. */
  const end = (max: number) => {
    const e = engine(root, { maxCompositeResultBytes: max });
    let cmds = e.start();
    const all = [...cmds];
    for (let ids = started(cmds); ids.length > 0; ids = started(cmds)) {
      cmds = e.apply(ids.map((s) => ok(s, results[s])));
      all.push(...cmds);
    }
    return done(all);
  };

  it('succeeds at exactly the bytes of its JSON, with every child result in it', () => {
    expect(end(whole)).toMatchObject({ status: 'succeeded', result: results });
  });

  it('fails a byte under, naming the size JSON.stringify gives', () => {
    expect(end(whole - 1)).toMatchObject({ status: 'failed', error: expect.stringContaining(`its result (its children's results) is ${whole.toLocaleString('en')} bytes as JSON`) });
  });
});
