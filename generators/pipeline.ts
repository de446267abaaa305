/** pipeline: a sequence of operations, one after another. */
import { StrataError } from '../src/errors/strata-error.ts';
import type { JsonValue } from '../src/flow/types.ts';
import type { Generator } from '../src/rules/generator.ts';
import { operationNode } from './operation.ts';

export const pipeline: Generator = {
  name: 'pipeline',
  description: 'a sequence of operations',
  generate(_dataset, params) {
    const ops = params.operations;
    if (!Array.isArray(ops) || ops.length === 0) {
      throw new StrataError('invalid_document', 'pipeline: with.operations must be a non-empty list', { problems: [{ path: 'with.operations', message: 'must be a non-empty list' }] });
    }
    return {
      sequence: ops.map((op, i) => {
        const n = operationNode(op, `with.operations[${i}]`);
        const name = (op as Record<string, JsonValue>).name;
        if (!n.id && typeof name === 'string') n.id = name;
        if ('task' in n) delete (n.task as { name?: unknown }).name;
        return n;
      }),
    };
  },
};
