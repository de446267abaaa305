/** The files of deploy/, read as a kubectl user would apply them. */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';

export const REPO = fileURLToPath(new URL('../../../', import.meta.url));
export const DEPLOY = join(REPO, 'deploy');

/** Every file under a directory, as paths relative to it. */
export function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? filesUnder(p).map((f) => join(name, f)) : [name];
  });
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Doc = any;

/** Every YAML document in deploy/ except kustomizations, with where it came from. */
export function deployDocuments(): Array<{ file: string; doc: Doc }> {
  return filesUnder(DEPLOY)
    .filter((f) => f.endsWith('.yaml') && !f.endsWith('kustomization.yaml'))
    .flatMap((f) => yamlDocs(join(DEPLOY, f)).map((doc) => ({ file: f, doc })));
}

export function yamlDocs(path: string): Doc[] {
  return parseAllDocuments(readFileSync(path, 'utf8')).map((d) => {
    if (d.errors.length > 0) throw new Error(`${relative(REPO, path)}: ${d.errors[0].message}`);
    return d.toJS();
  }).filter((d) => d !== null);
}
