/** Small builders of documents the run tests post. */

/** A Flow document around `root`. */
export function flowDoc(root: unknown, name = 'f', version = '1') {
  return { apiVersion: 'strata/v1', kind: 'Flow', metadata: { name, version }, spec: { root } };
}

/** A task that runs `script` with sh (the local runtime runs it as is). */
export function shTask(script: string) {
  return { image: 'alpine', command: ['sh', '-c', script] };
}
