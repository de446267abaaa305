import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { anchorMap, argvFor, loadImageMap } from '../../runtime/image-map.ts';

let home: string;
beforeAll(async () => {
  home = await mkdtemp(join(tmpdir(), 'strata-images-'));
  await writeFile(join(home, 'images.json'), JSON.stringify({ 'acme/etl': ['node', 'etl.js'], busybox: ['/bin/sh'] }));
  await writeFile(join(home, 'override.json'), JSON.stringify({ 'acme/etl': ['python3', 'etl.py'] }));
  await writeFile(join(home, 'bad.json'), JSON.stringify({ 'acme/etl': 'node etl.js' }));
});
afterAll(() => rm(home, { recursive: true, force: true }));

describe('image map', () => {
  it('layers built-ins, STRATA_HOME/images.json and STRATA_IMAGE_MAP', () => {
    expect(loadImageMap({ STRATA_HOME: home })).toMatchObject({ 'acme/etl': ['node', 'etl.js'], busybox: ['/bin/sh'], 'strata/noop': ['true'] });
    expect(loadImageMap({ STRATA_HOME: home, STRATA_IMAGE_MAP: join(home, 'override.json') })['acme/etl']).toEqual(['python3', 'etl.py']);
  });

  it('needs no images.json, but a named STRATA_IMAGE_MAP must exist and be well formed', () => {
    expect(loadImageMap({ STRATA_HOME: join(home, 'nowhere') })['strata/noop']).toEqual(['true']);
    expect(() => loadImageMap({ STRATA_HOME: home, STRATA_IMAGE_MAP: join(home, 'missing.json') })).toThrow(/image map .*missing.json/);
    expect(() => loadImageMap({ STRATA_HOME: home, STRATA_IMAGE_MAP: join(home, 'bad.json') })).toThrow('"acme/etl" must map to a non-empty list of strings');
  });

  it.each([
    { what: 'a task with a command ignores the map', task: { image: 'acme/etl', command: ['sh', '-c', 'x'], args: ['a'] }, argv: ['sh', '-c', 'x', 'a'] },
    { what: 'a mapped image runs its command with the task\'s args', task: { image: 'acme/etl', args: ['--day', '1'] }, argv: ['node', 'etl.js', '--day', '1'] },
    { what: 'a tag falls back to the bare name', task: { image: 'acme/etl:1.2' }, argv: ['node', 'etl.js'] },
    { what: 'a digest falls back to the bare name', task: { image: 'acme/etl@sha256:abc' }, argv: ['node', 'etl.js'] },
  ])('$what', ({ task, argv }) => {
    expect(argvFor(task, { 'acme/etl': ['node', 'etl.js'] })).toEqual(argv);
  });

  it('says in a sentence why an unknown image cannot run', () => {
    expect(argvFor({ image: 'acme/unknown' }, {})).toMatch(/^image "acme\/unknown" has no local command: give the task a command, or map the image/);
  });
});

describe('image map paths', () => {
  it('makes relative paths that exist from strata\'s directory absolute (a step starts in a directory of its own), and leaves other arguments alone', () => {
    const base = process.cwd();
    expect(anchorMap({ retail: ['node', 'examples/retail/programs/rollup.mjs', '--flag', 'not/there.js', '/abs/x'] }, base)).toEqual({
      retail: ['node', join(base, 'examples/retail/programs/rollup.mjs'), '--flag', 'not/there.js', '/abs/x'],
    });
  });
});
