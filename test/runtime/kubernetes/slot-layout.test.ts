/** Slot layouts of micro plans: which containers a pod declares up front, and which steps each serves. */
import { describe, expect, it } from 'vitest';
import { matchTemplate, planSlots, poolFor } from '../../../runtime/kubernetes/slot-layout.ts';
import { podOf, sh } from './support/flows.ts';

const layout = (flow: Record<string, unknown>, opts = {}) => planSlots(podOf(flow).body, opts);
const shape = (flow: Record<string, unknown>, opts = {}) => layout(flow, opts).pools.map((p) => ({ templates: p.templates, slots: p.slots.map((s) => `${s.name}=${s.image}`) }));

describe('slot layout', () => {
  it.each([
    ['one slot per leaf of a sequence, named after it', { sequence: [{ id: 'a', task: sh('x', 'i/a') }, { id: 'b', task: sh('x', 'i/b') }] }, [
      { templates: ['a'], slots: ['a=i/a'] },
      { templates: ['b'], slots: ['b=i/b'] },
    ]],
    ['a fan-out gets its concurrency in slots', { sequence: [{ id: 'fan', fanOut: { over: [1, 2, 3, 4, 5], concurrency: 2, do: { task: sh('x', 'i/f') } } }] }, [
      { templates: ['fan/*'], slots: ['fan-item-0=i/f', 'fan-item-1=i/f'] },
    ]],
    ['a fan-out over a literal list without concurrency gets one slot per item', { sequence: [{ id: 'fan', fanOut: { over: ['x', 'y', 'z'], do: { task: sh('x') } } }] }, [
      { templates: ['fan/*'], slots: ['fan-item-0=busybox', 'fan-item-1=busybox', 'fan-item-2=busybox'] },
    ]],
    ['a cycle\'s leaf members share one slot, which starts in the first member\'s image', { sequence: [{ id: 'ring', cycle: { rounds: 3, ring: [{ id: 'a', task: sh('x', 'i/a') }, { id: 'b', task: sh('x', 'i/b') }] } }] }, [
      { templates: ['ring/a#*', 'ring/b#*'], slots: ['ring-ring=i/a'] },
    ]],
    ['each leaf of a fan-out body gets its own pool', { sequence: [{ id: 'fan', fanOut: { over: [1, 2], do: { sequence: [{ id: 'get', task: sh('x') }, { id: 'put', task: sh('x') }] } } }] }, [
      { templates: ['fan/*/get'], slots: ['fan-item-get-0=busybox', 'fan-item-get-1=busybox'] },
      { templates: ['fan/*/put'], slots: ['fan-item-put-0=busybox', 'fan-item-put-1=busybox'] },
    ]],
  ])('%s', (_d, flow, want) => {
    expect(shape(flow)).toEqual(want);
  });

  it('uses defaultFanOutSlots for a fan-out over an expression, and caps nested fan-outs at maxSlotsPerPool', () => {
    const overParams = { sequence: [{ id: 'fan', fanOut: { over: { var: 'params.xs' }, do: { task: sh('x') } } }] };
    expect(layout(overParams, { defaultFanOutSlots: 3 }).pools[0].slots).toHaveLength(3);
    const nested = { sequence: [{ id: 'o', fanOut: { over: [1, 2, 3, 4], do: { fanOut: { over: [1, 2, 3, 4], as: 'inner', do: { task: sh('x') } } } } }] };
    expect(layout(nested, { maxSlotsPerPool: 10 }).pools[0].slots).toHaveLength(10);
  });

  it('sizes a shared slot for the largest of its members', () => {
    const ring = { sequence: [{ id: 'r', cycle: { rounds: 1, ring: [
      { id: 'a', task: { ...sh('x'), resources: { cpu: '2', memory: '256Mi' } } },
      { id: 'b', task: { ...sh('x'), resources: { cpu: '500m', memory: '1Gi', limits: { memory: '2Gi' } } } },
    ] } }] };
    expect(layout(ring).pools[0].resources).toEqual({ cpu: '2', memory: '1Gi', limits: { memory: '2Gi' } });
  });

  it('never names a slot like the pod\'s own containers', () => {
    const names = layout({ sequence: [{ id: 'quarterback', task: sh('x') }, { id: 'strata-init', task: sh('x') }] }).pools.flatMap((p) => p.slots.map((s) => s.name));
    expect(names).not.toContain('quarterback');
    expect(names).not.toContain('strata-init');
    expect(new Set(names).size).toBe(2);
  });

  it.each([
    ['fan/*', 'fan/12', true],
    ['fan/*', 'fan/x', false],
    ['ring/a#*', 'ring/a#0', true],
    ['ring/a#*', 'ring/ab#0', false],
    ['fan/*/get', 'fan/3/get', true],
    ['fan/*/get', 'fan/3', false],
  ])('template %s matches %s: %s', (t, rel, want) => {
    expect(matchTemplate(t, rel)).toBe(want);
  });

  it('finds the pool of a step id', () => {
    const l = layout({ sequence: [{ id: 'a', task: sh('x') }, { id: 'ring', cycle: { rounds: 2, ring: [{ id: 'm', task: sh('x') }, { id: 'n', task: sh('x') }] } }] });
    expect(poolFor(l, 'ring/n#1')).toMatchObject({ template: 1, pool: { templates: ['ring/m#*', 'ring/n#*'] } });
    expect(poolFor(l, 'b')).toBeUndefined();
  });
});
