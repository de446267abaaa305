/** Which links a directory artifact may hold (runtime/artifact-links.ts): relative ones that stay inside it. */
import { describe, expect, it } from 'vitest';
import { linkStaysInside } from '../../runtime/artifact-links.ts';

describe('linkStaysInside', () => {
  it.each([
    ['a sibling file', 'a-link', 'a.txt', true],
    ['bin/ to lib/ (a virtualenv)', 'bin/tool', '../lib/tool.sh', true],
    ['the artifact\'s top itself', 'sub/top', '..', true],
    ['a directory beside', 'lib64', 'lib', true],
    ['up, then down', 'a/b/l', '../../c/d', true],
    ['a dot in the way', 'l', './a/./b', true],
    // Argo tester 5, P3: c may be a link (to the top, say), so c/.. is not known to stay inside.
    ['down and up again', 'a/b/l', '../../c/../d', false],
    ['through a link to the top, then up', 'z', 'x/back/..', false],
    ['an absolute path', 'l', '/etc/hostname', false],
    ['the directory holding the artifact', 'l', '..', false],
    ['above the top from deep inside', 'a/b/l', '../../../x', false],
    ['down then above', 'l', 'a/../../x', false],
    ['an empty target', 'l', '', false],
  ])('%s: %s -> %s is %s', (_d, rel, target, inside) => {
    expect(linkStaysInside(rel as string, target as string)).toBe(inside);
  });
});
