/**
 * planFlow loads every flow a Flow reaches through `use`, exit handlers included (a Flow's
 * spec.onExit, a unit's), whatever its registry: a registry that knows each name's latest
 * version (the definitions store) and one that does not (the CLI's, `strata import` and
 * `strata apply` check each flow against theirs).
 */
import { describe, expect, it } from 'vitest';
import { validateFlowDocument } from '../../src/flow/flow-document.ts';
import { loadUnits, MemoryFlowRegistry } from '../../src/plan/flow-registry.ts';
import { planFlow } from '../../src/service/plan-flow.ts';
import type { FlowDocument } from '../../src/flow/types.ts';

const flow = (name: string, spec: unknown): FlowDocument => validateFlowDocument({ apiVersion: 'strata/v1', kind: 'Flow', metadata: { name, version: '1' }, spec });
const report = flow('report', { root: { id: 'send', task: { image: 'strata/noop' } } });
const audit = flow('audit', { root: { id: 'log', task: { image: 'strata/noop' } } });
// A unit whose own exit handler uses another flow.
const unit = flow('unit', { root: { id: 'u', task: { image: 'strata/noop' } }, onExit: { id: 'after', use: 'audit@1' } });
const main = flow('main', { root: { sequence: [{ id: 'a', use: 'unit@1' }] }, onExit: { id: 'x', use: 'report@1' } });
const registry = new MemoryFlowRegistry([report, audit, unit, main]);
/** The same flows, in a registry that also tells each name's latest version. */
const current = Object.assign(new MemoryFlowRegistry([report, audit, unit, main]), { latestFlowVersion: async () => '1' });

describe('planFlow and exit handlers', () => {
  it('loads the units exit handlers use: the flow\'s own and its units\'', async () => {
    expect([...(await loadUnits(main, registry)).keys()].sort()).toEqual(['audit@1', 'report@1', 'unit@1']);
  });

  for (const [name, reg] of [['a plain registry', registry], ['a registry of latest versions', current]] as const) {
    it(`compiles a flow whose exit handlers use registered flows, with ${name}`, async () => {
      const compiled = await planFlow(main, reg);
      const text = JSON.stringify(compiled.root);
      expect(text).toContain('"ref":"report@1"');
      expect(text).toContain('"ref":"audit@1"');
    });
  }
});
