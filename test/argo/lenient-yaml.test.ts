/** Argo documents read as Argo's go-yaml reads them, within the limits of any document. */
import { describe, expect, it } from 'vitest';
import { readArgoText } from '../../src/argo/lenient-yaml.ts';
import { reindentFlowLines } from '../../src/argo/reindent-flow.ts';
import { parseTextAll } from '../../src/flow/parse-text.ts';

describe('lenient Argo YAML', () => {
  const quirk = 'spec:\n  c:\n    args: ["\n      echo one &&\n      echo two\n    "]\n    k: 1\n';

  it('reads a quoted argument that goes on at its parent\'s indentation, which YAML 1.2 refuses', () => {
    expect(() => parseTextAll(quirk, 'f.yaml')).toThrow();
    expect(readArgoText(quirk, 'f.yaml')).toEqual([{ spec: { c: { args: [' echo one && echo two '], k: 1 } } }]);
  });

  it('refuses a key given twice in one mapping, naming its path and lines, in YAML and JSON; a merge key\'s key given again is an override', () => {
    expect(() => readArgoText('a: 1\nb:\n  c: 1\n  c: 2\n', 'f.yaml')).toThrow('f.yaml.b.c: the key "c" is given twice in f.yaml.b (lines 3 and 4; only its last value would be kept): give each key once');
    expect(() => readArgoText('a: 1\n---\nl: [{x: 1, x: 2}]\n', 'f.yaml')).toThrow('f.yaml[1].l[0].x: the key "x" is given twice in f.yaml[1].l[0] (line 3;');
    // The same key written otherwise (quoted, or a number) is the same key of the data.
    expect(() => readArgoText('a: 1\n"a": 2\n1: x\n"1": y\n', 'f.yaml')).toThrow(/f\.yaml\.a: .*\nf\.yaml\.1: /);
    expect(() => readArgoText('{"a": {"b": 1, "b": 2}}', 'f.json')).toThrow('f.json.a.b: the key "b" is given twice in f.json.a');
    expect(() => readArgoText('a: 1\na: 2\n', 'body')).toThrow(expect.objectContaining({ code: 'invalid_request' }));
    expect(readArgoText('base: &b {x: 1, y: 1}\nm:\n  <<: *b\n  x: 2\n')).toEqual([{ base: { x: 1, y: 1 }, m: { x: 2, y: 1 } }]);
  });

  it('keeps yes, n and on as text (Argo\'s fields are strings) and merges << keys', () => {
    expect(readArgoText('a: yes\nb: n\nbase: &b { x: 1 }\nm:\n  <<: *b\n  y: 2\n')).toEqual([{ a: 'yes', b: 'n', base: { x: 1 }, m: { x: 1, y: 2 } }]);
  });

  it('leaves text YAML reads as it is, block scalars and comments included', () => {
    const text = 'a: |\n  x: "\nb: [1, # c\n  2]\nc: "q\n  r"\n';
    expect(reindentFlowLines(text)).toBe(text);
  });

  it('still refuses what go-yaml refuses, with line and column', () => {
    expect(() => readArgoText('a: [1, 2\nb: 3\n', 'bad.yaml')).toThrow(/bad\.yaml: .*line \d+, column \d+/);
  });

  it('holds the size and alias limits of any document', () => {
    expect(() => readArgoText('a: 1\n', 'f.yaml', 3)).toThrow(/more than the limit of 3/);
    const bomb = ['a: &a [x, x, x, x, x, x, x, x, x, x]', ...Array.from({ length: 6 }, (_, i) => `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [${Array(10).fill(`*${String.fromCharCode(97 + i)}`).join(', ')}]`)].join('\n');
    expect(() => readArgoText(bomb, 'bomb.yaml', 1024 * 1024)).toThrow(/bomb\.yaml/);
  });
});
