/**
 * stream: a cycle (circular queue) of stages over windows of a stream. The Dataset's
 * location (redis-stream://KEY or file://PATH of JSON lines) is the source; each round
 * takes one window (`with.window`: size and ms) through the stages in order.
 */
import { StrataError } from '../src/errors/strata-error.ts';
import type { FlowNode, JsonValue } from '../src/flow/types.ts';
import type { Generator } from '../src/rules/generator.ts';
import { intParam, named, operationNode } from './operation.ts';

export const stream: Generator = {
  name: 'stream',
  description: 'a ring of stages over windows of a stream (redis-stream:// or file:// JSON lines)',
  generate(dataset, params) {
    const source = dataset.spec.location;
    if (!source || !/^(redis-stream|file):\/\//.test(source)) {
      throw new StrataError('invalid_document', 'stream: spec.location must be redis-stream://KEY or file://PATH', {
        problems: [{ path: 'spec.location', message: 'must be redis-stream://KEY or file://PATH for the stream generator' }],
      });
    }
    const stages = params.stages;
    if (!Array.isArray(stages) || stages.length === 0) {
      throw new StrataError('invalid_document', 'stream: with.stages must be a non-empty list of operations', { problems: [{ path: 'with.stages', message: 'must be a non-empty list' }] });
    }
    const ring = stages.map((s, i) => {
      const { name, rest } = named(s);
      const n = operationNode(rest, `with.stages[${i}]`);
      if (!n.id) n.id = name ?? `stage${i}`;
      return n;
    });
    const w = (params.window ?? {}) as Record<string, JsonValue>;
    const size = intParam(w, 'size', 100);
    const rounds = intParam(params, 'rounds', undefined);
    const node: FlowNode = {
      id: 'ring',
      cycle: { ring, source, window: { size, ...(typeof w.ms === 'number' ? { ms: w.ms } : {}) }, ...(rounds ? { rounds } : {}), ...(params.until !== undefined ? { until: params.until } : {}) },
    };
    return node;
  },
};
