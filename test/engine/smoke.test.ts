import { describe, expect, it } from 'vitest';
import { dryRun } from '../../src/engine/dry-run.ts';
import { compileFlow } from '../../src/plan/compile.ts';
import { validateFlowDocument } from '../../src/flow/flow-document.ts';

const flow = (root: unknown) => validateFlowDocument({ apiVersion: 'strata/v1', kind: 'Flow', metadata: { name: 't', version: '1' }, spec: { root } });
const t = (id?: string) => ({ ...(id ? { id } : {}), task: { image: 'x' } });

describe('dry run', () => {
  it('runs a sequence one step a tick', () => {
    expect(dryRun(compileFlow(flow({ sequence: [t('a'), t('b')] })).root).order).toEqual([['a'], ['b']]);
  });
});
