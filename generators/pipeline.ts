/** pipeline: a sequence of operations, one after another. */
import { StrataError } from '../src/errors/strata-error.ts';
import type { Generator } from '../src/rules/generator.ts';
import { named, operationNode } from './operation.ts';

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
        const { name, rest } = named(op);
        const n = operationNode(rest, `with.operations[${i}]`);
        if (!n.id && name) n.id = name;
        return n;
      }),
    };
  },
};
