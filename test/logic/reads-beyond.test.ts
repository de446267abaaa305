/** readsBeyond: whether json-logic reads data outside given roots, or a step's outcome (what a rule leaves for the run: build-flow.ts). */
import { describe, expect, it } from 'vitest';
import { readsBeyond } from '../../src/logic/json-logic.ts';

const roots = new Set(['dataset', 'spec', 'metadata', 'params', 'node']);

describe('readsBeyond', () => {
  const cases: Array<[string, unknown, boolean]> = [
    ['a var under a root', { var: 'spec.partitions' }, false],
    ['a var with a default under a root', { var: ['metadata.labels.team', 'none'] }, false],
    ['the whole data', { var: '' }, false],
    ['a step\'s result by var', { var: 'results.list' }, true],
    ['an item', { '==': [{ var: 'item' }, 1] }, true],
    ['a step\'s result by operator', { result: 'list' }, true],
    ['a step\'s status', { '==': [{ status: 'a' }, 'failed'] }, true],
    ['missing under roots', { missing: ['spec.a', 'spec.b'] }, false],
    ['missing beyond', { missing: ['spec.a', 'round'] }, true],
    ['missing_some beyond', { missing_some: [1, ['spec.a', 'last']] }, true],
    ['at under a root', { at: ['params', 'a.b'] }, false],
    ['at beyond', { at: ['results', 'x'] }, true],
    ['an iterator\'s body reads elements', { map: [{ var: 'spec.partitions' }, { var: 'name' }] }, false],
    ['an iterator over results', { map: [{ var: 'results.list' }, { var: 'name' }] }, true],
    ['reduce\'s initial value beyond', { reduce: [{ var: 'spec.xs' }, { '+': [{ var: 'current' }, { var: 'accumulator' }] }, { var: 'round' }] }, true],
    ['a computed path beyond', { var: { cat: ['results', '.a'] } }, false],
    ['a computed path reading beyond', { var: { var: 'item' } }, true],
    ['a literal', { '+': [1, 2] }, false],
  ];
  for (const [name, expr, expected] of cases) it(name, () => expect(readsBeyond(expr, roots)).toBe(expected));
});
