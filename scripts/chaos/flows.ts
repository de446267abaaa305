/**
 * The runs of the chaos harness: one Flow mixing a dependency graph, a fan-out of 10 with
 * a fan-in, and a pod of three containers, every step the program step.sh (its token as
 * result and output `out`, what it read). `EDGES` says, for every step that reads, which
 * step's token each input must hold: the checks compare what was read and what is kept
 * with what the run recorded.
 */
import { fileURLToPath } from 'node:url';

export const STEP_PROGRAM = fileURLToPath(new URL('./step.sh', import.meta.url));

const FAN = 10;

function step(dir: string, inputs?: Record<string, string>) {
  return { image: 'alpine', command: ['sh', STEP_PROGRAM], env: { CHAOS_DIR: dir }, outputs: ['out'], ...(inputs ? { inputs } : {}) };
}

/** The Flow document every chaos run runs; `dir` is where steps leave their marks. */
export function chaosFlow(dir: string) {
  return {
    apiVersion: 'strata/v1',
    kind: 'Flow',
    metadata: { name: 'chaos', version: '1' },
    spec: {
      root: {
        graph: {
          traversal: 'dependency',
          nodes: {
            a: { task: step(dir) },
            b: { dependsOn: ['a'], task: step(dir, { in: 'a:out' }) },
            c: { dependsOn: ['a'], task: step(dir, { in: 'a:out' }) },
            fan: { dependsOn: ['b'], fanOut: { over: Array.from({ length: FAN }, (_, i) => i), do: { task: step(dir) } } },
            gather: { dependsOn: ['fan'], fanIn: { from: 'fan', do: { task: step(dir) } } },
            pod: {
              dependsOn: ['c'],
              pod: {
                flow: {
                  sequence: [
                    { id: 'p1', task: step(dir, { in: 'c:out' }) },
                    { id: 'p2', task: step(dir, { in: './p1:out' }) },
                    { id: 'p3', task: step(dir, { in: './p2:out' }) },
                  ],
                },
              },
            },
            end: { dependsOn: ['gather', 'pod'], task: step(dir, { g: 'gather:out', p: 'pod:out' }) },
          },
        },
      },
    },
  };
}

/** For each step that reads: input name -> the step(s) whose token(s) it must read. */
export const EDGES: Record<string, Record<string, string[]>> = {
  b: { in: ['a'] },
  c: { in: ['a'] },
  gather: { results: Array.from({ length: FAN }, (_, i) => `fan/${i}`) },
  'pod/p1': { in: ['c'] },
  'pod/p2': { in: ['pod/p1'] },
  'pod/p3': { in: ['pod/p2'] },
  // The pod's `out` is its last container's (last writer wins).
  end: { g: ['gather'], p: ['pod/p3'] },
};

/** The leaves of a chaos run, each of which records a token. */
export const LEAVES = ['a', 'b', 'c', ...Array.from({ length: FAN }, (_, i) => `fan/${i}`), 'gather', 'pod/p1', 'pod/p2', 'pod/p3', 'end'];
