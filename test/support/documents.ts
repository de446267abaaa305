/** Small builders of documents the run tests post. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** A Flow document around `root`. */
export function flowDoc(root: unknown, name = 'f', version = '1') {
  return { apiVersion: 'strata/v1', kind: 'Flow', metadata: { name, version }, spec: { root } };
}

/** A task that runs `script` with sh (the local runtime runs it as is). */
export function shTask(script: string) {
  return { image: 'alpine', command: ['sh', '-c', script] };
}

/**
 * The folder `test/fixtures/argo/<name>` and a reader of its files as text: what every Argo
 * run test reads its documents with.
 */
export function argoFixtures(name: string): { dir: string; read: (file: string) => string } {
  const dir = join(import.meta.dirname, '..', 'fixtures', 'argo', name);
  return { dir, read: (file: string) => readFileSync(join(dir, file), 'utf8') };
}
