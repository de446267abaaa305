/**
 * partition: fan out one step per partition (the Dataset's `partitions`, or `with.count`
 * numbered partitions), then fan in with a reduce step over the list of their results.
 */
import { StrataError } from '../src/errors/strata-error.ts';
import type { FlowNode, JsonValue } from '../src/flow/types.ts';
import type { Generator } from '../src/rules/generator.ts';
import { intParam, operationNode } from './operation.ts';

export const partition: Generator = {
  name: 'partition',
  description: 'fan-out over partitions with a map operation, fan-in with a reduce operation',
  generate(dataset, params) {
    const count = intParam(params, 'count', undefined);
    const partitions: JsonValue[] = dataset.spec.partitions ?? (count ? Array.from({ length: count }, (_, i) => i) : []);
    if (partitions.length === 0) {
      throw new StrataError('invalid_document', 'partition: the Dataset has no spec.partitions and the rule gives no with.count', {
        problems: [{ path: 'spec.partitions', message: 'needed by the partition generator (or with.count)' }],
      });
    }
    const concurrency = intParam(params, 'concurrency', undefined);
    const map = operationNode(params.map, 'with.map');
    const steps: FlowNode[] = [{ id: 'map', fanOut: { over: partitions, as: 'partition', ...(concurrency ? { concurrency } : {}), do: map } }];
    if (params.reduce !== undefined) steps.push({ id: 'reduce', fanIn: { from: 'map', do: operationNode(params.reduce, 'with.reduce') } });
    return { sequence: steps };
  },
};
