/**
 * src/README.md: a layer imports only from layers below it (type imports included: a
 * port belongs to the layer that implements it or below). Every import of every source
 * file is checked against the layer table, so an upward import fails here with its place
 * (issue 10/11/13 test report, fault 7: runtime/kubernetes/log-splitter.ts imported from sidecar/).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '..');

/** The layers of src/README.md, by path from the repository root. */
const LAYERS: Array<[RegExp, number]> = [
  [/^src\/(errors|flow|dataset|logic)\//, 1],
  [/^src\/(plan|argo)\/|^generators\/|^src\/rules\/(rule-document|generator)\.ts$/, 2],
  [/^src\/(engine|rules|run|triggers)\//, 3],
  [/^src\/store\/|^runtime\//, 4],
  [/^src\/(coordinator|worker|service)\/|^sidecar\//, 5],
  [/^src\/(api|app)\//, 6],
  [/^src\/cli\//, 7],
];

function layerOf(path: string): number | undefined {
  const r = relative(ROOT, path);
  return LAYERS.find(([re]) => re.test(r))?.[1];
}

function* sources(dir: string): Generator<string> {
  for (const f of readdirSync(dir)) {
    const p = join(dir, f);
    if (statSync(p).isDirectory()) yield* sources(p);
    else if (/\.(ts|mts|mjs|cjs|js)$/.test(f)) yield p;
  }
}

/** Relative module specifiers of a file: static imports and exports, dynamic imports, requires. */
function specifiers(text: string): string[] {
  const found: string[] = [];
  for (const m of text.matchAll(/\bfrom\s+['"](\.{1,2}\/[^'"]+)['"]|\bimport\(\s*['"](\.{1,2}\/[^'"]+)['"]\s*\)|\brequire\(\s*['"](\.{1,2}\/[^'"]+)['"]\s*\)|^\s*import\s+['"](\.{1,2}\/[^'"]+)['"]/gm)) {
    found.push(m[1] ?? m[2] ?? m[3] ?? m[4]);
  }
  return found;
}

describe('layers', () => {
  it('knows every source folder', () => {
    const unknown = ['src', 'runtime', 'sidecar', 'generators'].flatMap((top) => [...sources(join(ROOT, top))]).filter((f) => !f.endsWith('.md') && layerOf(f) === undefined && !relative(ROOT, f).startsWith('src/README'));
    expect(unknown.map((f) => relative(ROOT, f))).toEqual([]);
  });

  it('has nothing import upward', () => {
    const upward: string[] = [];
    for (const top of ['src', 'runtime', 'sidecar', 'generators']) {
      for (const file of sources(join(ROOT, top))) {
        const from = layerOf(file)!;
        for (const spec of specifiers(readFileSync(file, 'utf8'))) {
          const to = layerOf(resolve(dirname(file), spec));
          if (to !== undefined && to > from) upward.push(`${relative(ROOT, file)} (layer ${from}) imports ${spec} (layer ${to})`);
        }
      }
    }
    expect(upward).toEqual([]);
  });
});
