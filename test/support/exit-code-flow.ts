/**
 * The flow-language exit-code case both runtimes' tests run (S5): `f` exits `code` under
 * continueOn, `ok` exits 0; `show` reads both in its args, `gate` runs on json-logic
 * `exitCode` equal to `code`, `never` is skipped. A graph root, for runAtLevel.
 */
export function exitCodeRoot(code: number): unknown {
  return {
    graph: {
      nodes: {
        f: { task: { image: 'alpine', command: ['sh', '-c', `exit ${code}`] }, continueOn: { failed: true } },
        ok: { task: { image: 'alpine', command: ['true'] } },
        show: { dependsOn: ['f', 'ok'], task: { image: 'alpine', command: ['echo', 'f={{ steps["./f"].exitCode }} ok={{ steps["./ok"].exitCode }}'], result: 'stdout' } },
        gate: { dependsOn: ['f'], when: { '==': [{ exitCode: './f' }, code] }, task: { image: 'alpine', command: ['true'] } },
        never: { dependsOn: ['ok'], when: { '!=': [{ exitCode: './ok' }, 0] }, task: { image: 'alpine', command: ['true'] } },
      },
    },
  };
}

/** The statuses exitCodeRoot's steps end with. */
export const EXIT_CODE_STATUSES = { f: 'failed', ok: 'succeeded', show: 'succeeded', gate: 'succeeded', never: 'skipped' };
