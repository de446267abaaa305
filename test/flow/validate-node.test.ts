import { describe, expect, it } from 'vitest';
import { isStrataError } from '../../src/errors/strata-error.ts';
import { validateFlowDocument } from '../../src/flow/flow-document.ts';

/** The problem lines of a Flow document around `root`; [] when it is valid. */
function problems(root: unknown): string[] {
  try {
    validateFlowDocument({ apiVersion: 'strata/v1', kind: 'Flow', metadata: { name: 't', version: '1' }, spec: { root } });
    return [];
  } catch (e) {
    if (!isStrataError(e)) throw e;
    return e.message.split('\n');
  }
}

const t = { task: { image: 'busybox' } };

describe('validateNode: each problem with its path', () => {
  const cases: Array<{ name: string; root: unknown; lines: string[] }> = [
    { name: 'a node that is not an object', root: 'run it', lines: ['spec.root: must be a node (an object with one of task, pod, sequence, graph, fanOut, fanIn, cycle, use, generate)'] },
    { name: 'two pattern keys in one node', root: { ...t, sequence: [t] }, lines: ['spec.root: a node has exactly one pattern key; found task and sequence'] },
    { name: 'an id with a reserved character', root: { sequence: [{ id: 'a/b', ...t }] }, lines: ['spec.root.sequence[0].id: must start with a letter or digit and hold only letters, digits, "_", "-" and "."; "/" and "#" are reserved for step ids'] },
    { name: 'an id of 300 characters', root: { sequence: [{ id: 'a'.repeat(300), ...t }] }, lines: ['spec.root.sequence[0].id: is 300 characters long; an id has at most 63'] },
    { name: 'dependsOn outside a graph', root: { sequence: [{ ...t, dependsOn: ['x'] }] }, lines: ['spec.root.sequence[0].dependsOn: only nodes of a graph may have dependsOn'] },
    { name: 'retries and timeout out of range', root: { ...t, retries: 101, timeout: 0 }, lines: ['spec.root.retries: must be a whole number from 0 to 100', 'spec.root.timeout: must be a number of seconds, more than 0 and at most a week, or a duration like 30s, 2m, 1h30m, or text with {{ references }} (such as "{{ params.t }}") giving one when the step starts'] },
    { name: 'an empty sequence', root: { sequence: [] }, lines: ['spec.root.sequence: must be a non-empty list of nodes'] },
    { name: 'a graph without nodes', root: { graph: { nodes: {} } }, lines: ['spec.root.graph.nodes: must be a non-empty map of node name to node'] },
    { name: 'a graph node whose id is not its key', root: { graph: { nodes: { a: { id: 'b', ...t } } } }, lines: ['spec.root.graph.nodes.a.id: a graph node is named by its key "a"; id "b" differs'] },
    { name: 'a graph node name with a reserved character', root: { graph: { nodes: { 'a#1': t } } }, lines: ['spec.root.graph.nodes.a#1: node name "a#1" must start with a letter or digit and hold only letters, digits, "_", "-" and "."'] },
    { name: 'dependsOn that is not a list of names', root: { graph: { nodes: { a: { ...t, dependsOn: 'b' }, b: t } } }, lines: ['spec.root.graph.nodes.a.dependsOn: must be a list of node names of the same graph (or { node, on })'] },
    { name: 'a fanOut without over and do, with a bad as', root: { fanOut: { as: '1x' } }, lines: ['spec.root.fanOut.over: is required: a list, or json-logic giving a list', 'spec.root.fanOut.as: must be a name', 'spec.root.fanOut.do: is required'] },
    { name: 'a fanIn without from', root: { fanIn: { do: t } }, lines: ['spec.root.fanIn.from: must name the fan-out (or another sibling) whose results are joined'] },
    { name: 'a cycle that never ends', root: { cycle: { ring: [t] } }, lines: ['spec.root.cycle: a cycle needs rounds, until or a finite source, or it never ends'] },
    {
      name: 'a cycle with bad rounds and window',
      root: { cycle: { ring: [t], rounds: 0, window: { size: 0, ms: -1, bytes: 1 } } },
      lines: ['spec.root.cycle.rounds: must be a whole number from 1 to 1000000', 'spec.root.cycle.window.bytes: unknown key "bytes"', 'spec.root.cycle.window.size: must be a whole number of at least 1', 'spec.root.cycle.window.ms: must be a number of milliseconds above 0'],
    },
    { name: 'a pod without flow and with bad channels', root: { pod: { channels: { scratch: 'tape', ipc: ['a b'] } } }, lines: ['spec.root.pod.channels.scratch: must be memory or disk', 'spec.root.pod.channels.ipc: must be a list of socket or FIFO names', 'spec.root.pod.flow: is required: the micro flow of the pod\'s containers'] },
    { name: 'a use without a version, with params that are not a map', root: { use: 'lib', with: [1] }, lines: ['spec.root.use: must be "name@version" of a registered flow', 'spec.root.with: must be an object of parameters'] },
    { name: 'with on a node that is not a use', root: { ...t, with: {} }, lines: ['spec.root.with: unknown key "with"'] },
    {
      name: 'task inputs, outputs and resources that are not well formed',
      root: { task: { image: 'x', inputs: { raw: 'nocolon' }, outputs: ['../up'], resources: { cpu: 'lots' } } },
      lines: ['spec.root.task.inputs.raw: must be "step:output": a step path (step ids joined by "/", optionally after ./ or ../; \"*\" for every item of a fan-out) and an output name', 'spec.root.task.outputs[0]: must be a plain file name', 'spec.root.task.resources.cpu: must be a quantity like 500m or 256Mi'],
    },
    { name: 'a task without an image', root: { task: {} }, lines: ['spec.root.task.image: is required'] },
    { name: 'json-logic problems deep inside a guard', root: { ...t, when: { and: [true, { or: [{ exec: 1 }] }] } }, lines: ['spec.root.when.and[1].or[0]: unknown json-logic operator "exec"'] },
  ];
  for (const { name, root, lines } of cases) {
    it(name, () => {
      expect(problems(root)).toEqual(expect.arrayContaining(lines));
    });
  }

  it('reports every problem of a document at once, not the first only', () => {
    const out = problems({ sequence: [{ task: {} }, { graph: { traversal: 'up', nodes: { a: { ...t, dependsOn: ['z'] } } } }, { fanOut: {} }] });
    expect(out).toHaveLength(5);
  });

  it('accepts a document that uses every pattern', () => {
    expect(problems({
      graph: { traversal: 'dependency', maxParallel: 2, nodes: {
        seq: { sequence: [t, { id: 'gen', generate: { image: 'describe' } }] },
        fan: { fanOut: { over: { var: 'params.items' }, as: 'it', concurrency: 2, do: t }, dependsOn: ['seq'] },
        join: { fanIn: { from: 'fan', do: t } },
        ring: { cycle: { ring: [t, t], rounds: 2, until: { '>': [{ var: 'round' }, 3] }, window: { size: 10, ms: 500 }, source: 'redis-stream://k' } },
        pod: { pod: { name: 'etl', flow: { sequence: [t] }, channels: { scratch: 'memory', ipc: ['sock'] } }, retries: 2, timeout: 60 },
        unit: { use: 'lib@1', with: { k: 1 }, when: true },
      } },
    })).toEqual([]);
  });
});
