import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { anchorMap, argvFor, BUILTIN_IMAGES, loadImageMap, readMapFile } from '../../runtime/image-map.ts';

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

  // Kubernetes: a command replaces ENTRYPOINT and CMD, args replace CMD (argo-tester-3 N16).
  it.each([
    { what: 'args alone are the command line of a CMD image (alpine: CMD ["/bin/sh"])', task: { image: 'alpine', args: ['echo', 'hi'] }, argv: ['echo', 'hi'] },
    { what: 'a CMD image with no args runs its CMD', task: { image: 'alpine:3.20' }, argv: ['sh'] },
    { what: 'python\'s CMD is python3: args replace it', task: { image: 'python:alpine', args: ['-c', 'print(1)'] }, argv: ['-c', 'print(1)'] },
    { what: 'a command drops the image\'s CMD and ENTRYPOINT', task: { image: 'busybox', command: ['echo'], args: ['x'] }, argv: ['echo', 'x'] },
    { what: 'node\'s entrypoint runs node on its args', task: { image: 'node:20', args: ['-e', '1'] }, argv: [process.execPath, '-e', '1'] },
  ])('built-ins: $what', ({ task, argv }) => {
    expect(argvFor(task, BUILTIN_IMAGES)).toEqual(argv);
  });

  it.each([
    { what: 'no args: ENTRYPOINT + CMD', task: { image: 'acme/tool' }, argv: ['tool', '--default'] },
    { what: 'args replace the CMD and follow the ENTRYPOINT', task: { image: 'acme/tool', args: ['--x'] }, argv: ['tool', '--x'] },
  ])('{ entrypoint, cmd } entries: $what', ({ task, argv }) => {
    expect(argvFor(task, { 'acme/tool': { entrypoint: ['tool'], cmd: ['--default'] } })).toEqual(argv);
  });

  it('reads { entrypoint, cmd } entries from a file and refuses one naming no command', async () => {
    const file = join(home, 'entries.json');
    await writeFile(file, JSON.stringify({ a: { cmd: ['./run.sh'] }, b: { entrypoint: ['bin/b'], cmd: ['./x'] } }));
    expect(readMapFile(file, true)).toEqual({ a: { cmd: [join(home, 'run.sh')] }, b: { entrypoint: [join(home, 'bin/b')], cmd: [join(home, 'x')] } });
    await writeFile(file, JSON.stringify({ a: { cmd: [] } }));
    expect(() => readMapFile(file, true)).toThrow('"a" must map to a non-empty list of strings (its entrypoint) or to { "entrypoint": [...], "cmd": [...] } naming at least one command');
    await writeFile(file, JSON.stringify({ a: { command: ['x'] } }));
    expect(() => readMapFile(file, true)).toThrow('"a" must map to');
  });

  it('says in a sentence why an unknown image cannot run', () => {
    expect(argvFor({ image: 'acme/unknown' }, {})).toMatch(/^image "acme\/unknown" has no local command: give the task a command, or map the image/);
  });
});

describe('image map paths', () => {
  it('takes a map file\'s relative paths from the file\'s directory, whether they exist or not, wherever strata was started', async () => {
    const dir = join(home, 'maps');
    await mkdir(dir, { recursive: true });
    const file = join(dir, 'images.json');
    await writeFile(file, JSON.stringify({ tool: ['bin/tool', './prog.mjs', '../shared/lib.mjs', '--flag', 'not/a/path', 'http://x/y', '/abs/x'] }));
    // Nothing of those names exists anywhere: the rule is the map's words, not the disk's state.
    expect(readMapFile(file, true)).toEqual({ tool: [join(dir, 'bin/tool'), join(dir, 'prog.mjs'), join(home, 'shared/lib.mjs'), '--flag', 'not/a/path', 'http://x/y', '/abs/x'] });
    expect((loadImageMap({ STRATA_HOME: home, STRATA_IMAGE_MAP: file }).tool as string[])[1]).toBe(join(dir, 'prog.mjs'));
    // STRATA_HOME/images.json is a map file too: its directory is STRATA_HOME.
    await writeFile(join(dir, 'images.json'), JSON.stringify({ tool: ['node', './prog.mjs'] }));
    expect(loadImageMap({ STRATA_HOME: dir }).tool).toEqual(['node', join(dir, 'prog.mjs')]);
  });

  it('a file named like a map argument in strata\'s directory changes nothing: a bare relative argument is passed as written', async () => {
    const file = join(home, 'cwd-map.json');
    // package.json exists in strata's directory (the checkout); it is not taken from there.
    await writeFile(file, JSON.stringify({ x: ['node', 'package.json', 'src/cli/main.ts'] }));
    expect(readMapFile(file, true)).toEqual({ x: ['node', 'package.json', 'src/cli/main.ts'] });
  });

  it('a map given in code takes its relative paths from the directory strata was started in', () => {
    expect(anchorMap({ t: ['./bin/t', './a.js', 'b.js'] }, '/base/dir')).toEqual({ t: ['/base/dir/bin/t', '/base/dir/a.js', 'b.js'] });
    expect(anchorMap({ t: ['node', './a.js'] })).toEqual({ t: ['node', join(process.cwd(), 'a.js')] });
  });
});
