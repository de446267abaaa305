import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { isStrataError, type StrataError } from '../../src/errors/strata-error.ts';
import { parseText, parseTextAll } from '../../src/flow/parse-text.ts';
import { parseFlow } from '../../src/flow/flow-document.ts';

/** The StrataError `fn` throws; fails the test on a raw exception or none. */
function errorOf(fn: () => unknown): StrataError {
  try {
    fn();
  } catch (e) {
    if (isStrataError(e)) return e;
    throw new Error(`not a StrataError: ${String(e)}`);
  }
  throw new Error('nothing thrown');
}

// Ten levels of nine aliases each (90 aliases, under the limit of 100): 9^10 elements once expanded.
const BOMB = ['l0: &l0 [x, x, x, x, x, x, x, x, x]', ...Array.from({ length: 10 }, (_, i) => `l${i + 1}: &l${i + 1} [${Array(9).fill(`*l${i}`).join(', ')}]`)].join('\n');
const expands = (bytes: number) => `expands to more than ${bytes} bytes once its YAML aliases are expanded`;

describe('parseText', () => {
  const good: Array<{ name: string; text: string; want: unknown }> = [
    { name: 'YAML', text: 'kind: Flow\nspec: { root: { task: { image: x } } }\n', want: { kind: 'Flow', spec: { root: { task: { image: 'x' } } } } },
    { name: 'JSON', text: '{ "kind": "Flow", "n": [1, 2] }', want: { kind: 'Flow', n: [1, 2] } },
    { name: 'JSON with YAML-only syntax falls back to YAML', text: '{ kind: Flow, n: [1, 2], }', want: { kind: 'Flow', n: [1, 2] } },
    { name: 'YAML 1.1 tags stay data (strings), not Buffers or Dates', text: 'a: !!binary aGk=\nb: !!timestamp 2001-12-14\n', want: { a: 'aGk=', b: '2001-12-14' } },
    { name: 'a __proto__ key is an own key, not a prototype', text: '__proto__: { polluted: 1 }\n', want: JSON.parse('{ "__proto__": { "polluted": 1 } }') },
  ];
  for (const { name, text, want } of good) {
    it(`reads ${name}`, () => {
      expect(parseText(text)).toEqual(want);
    });
  }

  const bad: Array<{ name: string; text: string; code: string; message: string }> = [
    { name: 'a map key given twice', text: 'a: 1\na: 2\n', code: 'invalid_document', message: 'doc.yaml.a: the key "a" is given twice in doc.yaml (lines 1 and 2; only its last value would be kept): give each key once' },
    { name: 'an unclosed flow map', text: 'a: { b: 1\n', code: 'invalid_document', message: 'doc.yaml: Flow map in block collection must be sufficiently indented and end with a } at line 2, column 1' },
    { name: 'an alias bomb', text: BOMB, code: 'too_large', message: `doc.yaml: ${expands(64 * 1024 * 1024)}` },
    { name: 'an alias without its anchor', text: 'a: *nowhere\n', code: 'invalid_document', message: 'doc.yaml: alias *nowhere at line 1, column 4 names no anchor set before it in its document' },
    { name: 'nesting too deep for the parser', text: `a: ${'['.repeat(5000)}${']'.repeat(5000)}`, code: 'too_large', message: 'doc.yaml: nested more than 256 levels deep (at line 1, column 259; STRATA_MAX_TEXT_NESTING)' },
  ];
  for (const { name, text, code, message } of bad) {
    it(`rejects ${name} with a StrataError naming the source`, () => {
      const e = errorOf(() => parseText(text, 'doc.yaml'));
      expect(e.code).toBe(code);
      expect(e.message.split('\n')[0]).toContain(message);
    });
  }

  it('refuses a text over maxBytes before parsing it', () => {
    const e = errorOf(() => parseText('a: 1234567890\n', 'big.yaml', 8));
    expect(e).toMatchObject({ code: 'too_large', message: 'big.yaml: document is 14 bytes, more than the limit of 8' });
  });
});

describe('parseTextAll', () => {
  it('reads a YAML stream of documents, skipping empty ones', () => {
    expect(parseTextAll('kind: A\n---\n---\nkind: B\n')).toEqual([{ kind: 'A' }, { kind: 'B' }]);
  });

  it('reads a JSON list as its items, and a JSON object as one document', () => {
    expect(parseTextAll('[{ "kind": "A" }, { "kind": "B" }]')).toEqual([{ kind: 'A' }, { kind: 'B' }]);
    expect(parseTextAll('{ "kind": "A" }')).toEqual([{ kind: 'A' }]);
  });

  it('names the document of a stream an error is in', () => {
    const e = errorOf(() => parseTextAll('kind: A\n---\na: 1\na: 2\n', 'many.yaml'));
    expect(e.message).toBe('many.yaml[1].a: the key "a" is given twice in many.yaml[1] (lines 3 and 4; only its last value would be kept): give each key once');
  });

  it('an alias bomb in a stream is a StrataError too', () => {
    expect(errorOf(() => parseTextAll(`kind: A\n---\n${BOMB}`, 'many.yaml', 1_048_576)).message).toBe(`many.yaml[1]: ${expands(1_048_576)}`);
  });

  it('keeps metadata.version as written when it is a YAML or JSON number: 1.10 stays "1.10"', () => {
    const versions = (docs: unknown[]) => docs.map((d) => (d as { metadata: { version: unknown } }).metadata.version);
    expect(versions(parseTextAll('metadata: { version: 1.10 }\n---\nmetadata: { version: 2.0 }\n---\nmetadata: { version: 3 }\n'))).toEqual(['1.10', '2.0', '3']);
    expect(versions(parseTextAll('[{ "metadata": { "version": 1.10 } }, { "metadata": { "version": "x" } }]'))).toEqual(['1.10', 'x']);
    expect(versions([parseText('{ "metadata": { "version": 1.10 } }'), parseText('metadata:\n  version: 1.20\n')])).toEqual(['1.10', '1.20']);
  });
});

describe('YAML merge keys (issue 12)', () => {
  it('merges a mapping into another, keys written beside << winning', () => {
    const text = 'defaults: &d { image: busybox, env: { A: "1" } }\ntask:\n  <<: *d\n  env: { B: "2" }\n';
    expect(parseText(text)).toEqual({ defaults: { image: 'busybox', env: { A: '1' } }, task: { image: 'busybox', env: { B: '2' } } });
  });

  it('merges a list of mappings, the first one listed winning a key both have', () => {
    const text = 'a: &a { x: 1, y: 1 }\nb: &b { y: 2, z: 2 }\nc: { <<: [*a, *b], w: 0 }\n';
    expect((parseText(text) as { c: unknown }).c).toEqual({ x: 1, y: 1, z: 2, w: 0 });
  });

  it('keeps the alias count and expansion limits for merges', () => {
    const big = 'x'.repeat(100_000);
    const text = [`base: &base { v: "${big}" }`, ...Array.from({ length: 99 }, (_, i) => `k${i}: { <<: *base }`)].join('\n');
    expect(() => parseText(text, 'body', 1_000_000)).toThrow(/body: expands to more than 1000000 bytes/);
    const many = ['base: &base { v: 1 }', ...Array.from({ length: 101 }, (_, i) => `k${i}: { <<: *base }`)].join('\n');
    expect(() => parseText(many, 'body')).toThrow('body: more than 100 YAML aliases in one document (*base at line 102, column 13 is the 101st); the limit is 100');
  });

  it('counts each alias written once: a chain of 39 merge keys, each merging the one before, is read (Argo tester 3, N12)', () => {
    const chain = ['m0: &m0 { k0: 0 }', ...Array.from({ length: 39 }, (_, i) => `m${i + 1}: &m${i + 1} { <<: *m${i}, k${i + 1}: ${i + 1} }`)].join('\n');
    const data = parseText(chain, 'chain') as Record<string, Record<string, number>>;
    expect(Object.keys(data.m39)).toHaveLength(40);
    expect(data.m39.k0).toBe(0);
  });

  it('reads a Flow whose tasks share their defaults through a merge key', () => {
    const flow = parseFlow(readFileSync(new URL('../fixtures/flows/ok/merge-keys.yaml', import.meta.url), 'utf8')) as unknown as { spec: { root: { sequence: Array<{ task: unknown }> } } };
    expect(flow.spec.root.sequence.map((s) => s.task)).toEqual([
      { image: 'busybox', command: ['sh', '-c', 'echo a'], env: { LEVEL: 'debug' } },
      { image: 'alpine', command: ['sh', '-c', 'echo b'], env: { LEVEL: 'debug' } },
    ]);
  });
});
