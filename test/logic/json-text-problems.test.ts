import { describe, expect, it } from 'vitest';
import { jsonTextProblems } from '../../src/logic/lossy-numbers.ts';

const paths = (text: string, skip?: string[]) => {
  JSON.parse(text); // the scanner reads JSON that JSON.parse has read
  return jsonTextProblems(text, 'doc', new Set(skip)).map((p) => p.path);
};

describe('jsonTextProblems', () => {
  it('names a key given twice in one object, at any depth', () => {
    expect(paths('{"a":1,"a":2}')).toEqual(['doc.a']);
    expect(paths('{"m":{"name":"x","v":[1,{"q":1}],"name":"y"}}')).toEqual(['doc.m.name']);
    expect(paths('[{"k":1},{"k":2,"z":[{"k":1,"k":1}]}]')).toEqual(['doc[1].z[0].k']);
    const [p] = jsonTextProblems('{"o":{"x":1,"x":2}}', 'body');
    expect(p.message).toContain('the key "x" is given twice in body.o');
  });

  it('reads a key written with escapes as the key it is', () => {
    expect(paths('{"name":1,"n\\u0061me":2}')).toEqual(['doc.name']);
    expect(paths('{"a\\"b":1,"a\\\\":2,"a\\"b":3}')).toEqual(['doc.a"b']);
    expect(paths('{"a\\\\":1,"a\\\\\\\\":2}')).toEqual([]);
  });

  it('takes the same key in other objects, strings that look like keys and prefixes as no duplicate', () => {
    expect(paths('{"a":{"k":1},"b":{"k":1},"c":[{"k":1},{"k":2}]}')).toEqual([]);
    expect(paths('{"a":"\\"a\\":1,","b":"{\\"a\\":1}","ab":1,"a ":2}')).toEqual([]);
    expect(paths(' { "a" : [ ] , "b" : { } , "c" : "}" } ')).toEqual([]);
    expect(paths('"just text"')).toEqual([]);
  });

  it('names numbers a JavaScript number cannot hold, in document order with duplicates', () => {
    expect(paths('{"x":[1,1e-400],"a":1,"a":1e309,"n":12345678901234567890,"f":1.50,"e":1e20,"s":"1e999"}')).toEqual(['doc.x[1]', 'doc.a', 'doc.a', 'doc.n']);
    expect(paths('[1E+309,-1e-0400,0e-999,10000000000000000]')).toEqual(['doc[0]', 'doc[1]']);
  });

  it('leaves out numbers under a skipped member, never a key given twice', () => {
    expect(paths('{"params":{"n":1e309,"n":2},"m":1e309}', ['params'])).toEqual(['doc.params.n', 'doc.m']);
    expect(paths('{"a":1e309,"a":1}', [''])).toEqual(['doc.a']);
  });

  it('takes a long list of objects with the same keys as no duplicate', () => {
    const wide = `[${Array.from({ length: 20000 }, (_, i) => `{"k${i % 7}":${i},"id":${i}}`).join(',')}]`;
    expect(paths(wide)).toEqual([]);
  });
});
