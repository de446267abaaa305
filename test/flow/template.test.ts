import { describe, expect, it } from 'vitest';
import { parseTemplate, templateRefs } from '../../src/flow/template.ts';

describe('templates', () => {
  const good: Array<{ text: string; want: unknown[] }> = [
    { text: 'plain', want: ['plain'] },
    { text: '{{ params.x }}', want: [{ text: 'params.x', head: 'params', path: ['x'] }] },
    { text: 'a-{{item}}-b', want: ['a-', { text: 'item', head: 'item', path: [] }, '-b'] },
    { text: '{{ item.f.g }}', want: [{ text: 'item.f.g', head: 'item', path: ['f', 'g'] }] },
    { text: '{{ region }}', want: [{ text: 'region', head: 'region', path: [] }] },
    { text: '{{ item[0] }}', want: [{ text: 'item[0]', head: 'item', path: [0] }] },
    { text: '{{ params["a b"].c }}', want: [{ text: 'params["a b"].c', head: 'params', path: ['a b', 'c'] }] },
    { text: '{{ steps.extract.result }}', want: [{ text: 'steps.extract.result', head: 'steps', step: 'extract', path: ['result'] }] },
    { text: '{{ steps.tree/us-west/sf.result.total }}', want: [{ text: 'steps.tree/us-west/sf.result.total', head: 'steps', step: 'tree/us-west/sf', path: ['result', 'total'] }] },
    { text: '{{ steps["build-v1.2"].outputs.parameters.sha }}', want: [{ text: 'steps["build-v1.2"].outputs.parameters.sha', head: 'steps', step: 'build-v1.2', path: ['outputs', 'parameters', 'sha'] }] },
    { text: '{{ steps["../prep"].status }}', want: [{ text: 'steps["../prep"].status', head: 'steps', step: '../prep', path: ['status'] }] },
    { text: '{{ steps.ring/x#2.result }}', want: [{ text: 'steps.ring/x#2.result', head: 'steps', step: 'ring/x#2', path: ['result'] }] },
    { text: 'x {{ "{{" }} y }}', want: ['x {{ y }}'] },
    { text: '{{a}}{{b}}', want: [{ text: 'a', head: 'a', path: [] }, { text: 'b', head: 'b', path: [] }] },
  ];
  for (const { text, want } of good) it(`reads ${text}`, () => expect(parseTemplate(text)).toEqual(want));

  const bad: Array<[string, string]> = [
    ['{{ params.x', '"{{" at character 1 is not closed by "}}"'],
    ['{{ }}', 'an empty reference'],
    ['{{ 1x }}', 'a reference starts with a name'],
    ['{{ steps }}', '"steps" is followed by .STEP or ["STEP"]'],
    ['{{ steps[x] }}', 'steps[...] takes a step path in double quotes'],
    ['{{ steps["a" }}', '"]" expected'],
    ['{{ params.x y }}', 'unexpected "y"'],
    ['{{ params. }}', 'a name expected after "."'],
    ['{{ "a" b }}', 'a string literal stands alone'],
    ['{{ "a }}', 'a string is not closed'],
    ['{{ params[ }}', 'an index or a "string" expected in brackets'],
  ];
  for (const [text, message] of bad) it(`refuses ${text}`, () => expect(() => parseTemplate(text)).toThrow(message));

  it('finds no references in plain text, quickly', () => {
    expect(templateRefs('x'.repeat(100_000))).toEqual([]);
    expect(templateRefs(`${'{{ a }}'.repeat(10_000)}`)).toHaveLength(10_000);
  });
});
