/** The uses of a Flow, exit handlers included (src/flow/uses.ts). */
import { describe, expect, it } from 'vitest';
import { inUseOrder } from '../../src/flow/uses.ts';

const flow = (name: string, spec: { root: unknown; onExit?: unknown }) => ({ metadata: { name, version: '1' }, spec });

describe('inUseOrder', () => {
  it('registers a flow used only by another\'s exit handler before it', () => {
    const main = flow('main', { root: { id: 'w', task: { image: 'x' } }, onExit: { id: 'x', use: 'report@1' } });
    const report = flow('report', { root: { id: 's', task: { image: 'x' } } });
    expect(inUseOrder([main, report]).map((f) => f.metadata.name)).toEqual(['report', 'main']);
  });
});
