import { describe, expect, it } from 'vitest';
import { deletionGroup } from '../../src/argo/template-group.ts';
import { TEMPLATE, WORKFLOW_TEMPLATE } from '../../src/argo/import-argo.ts';

const flow = (name: string, version: string, w?: string, t?: string) => ({
  metadata: { name, version, ...(w ? { annotations: { [WORKFLOW_TEMPLATE]: w, ...(t ? { [TEMPLATE]: t } : {}) } } : {}) },
});

// Two versions of WorkflowTemplate lib (an entrypoint, templates a and b), one of noentry
// (templates x and y, no entrypoint), a single-template one, and a native flow.
const ALL = [
  flow('lib', 'argo-1', 'lib'), flow('lib.a', 'argo-1', 'lib', 'a'), flow('lib.b', 'argo-1', 'lib', 'b'),
  flow('lib', 'argo-2', 'lib'), flow('lib.a', 'argo-2', 'lib', 'a'), flow('lib.b', 'argo-2', 'lib', 'b'),
  flow('noentry.x', 'argo-3', 'noentry', 'x'), flow('noentry.y', 'argo-3', 'noentry', 'y'),
  flow('single.only', 'argo-4', 'single', 'only'),
  flow('native', '1'), flow('native', '2'),
];

describe('what deleting a flow deletes (Argo tester 2, fault 10)', () => {
  it('a WorkflowTemplate entry flow takes its units along, per version', () => {
    expect(deletionGroup(ALL, 'lib').refs.sort()).toEqual(['lib.a@argo-1', 'lib.a@argo-2', 'lib.b@argo-1', 'lib.b@argo-2', 'lib@argo-1', 'lib@argo-2']);
    expect(deletionGroup(ALL, 'lib', 'argo-2')).toEqual({ refs: ['lib@argo-2', 'lib.a@argo-2', 'lib.b@argo-2'] });
  });

  it('a WorkflowTemplate without an entrypoint is deleted by its name, its units being all of it', () => {
    expect(deletionGroup(ALL, 'noentry')).toEqual({ refs: ['noentry.x@argo-3', 'noentry.y@argo-3'] });
    expect(deletionGroup(ALL, 'noentry', 'argo-9')).toEqual({ refs: [] });
  });

  it('one unit alone is refused while its WorkflowTemplate has other flows of its version, naming them and the command', () => {
    const g = deletionGroup(ALL, 'lib.a', 'argo-2');
    expect(g.refused).toBe('lib.a@argo-2 is template a of WorkflowTemplate lib, registered with lib.b@argo-2, lib@argo-2; a WorkflowTemplate is deleted whole: strata flows delete lib@argo-2 (DELETE /v1/flows/lib/argo-2), or lib for every version');
    expect(deletionGroup(ALL, 'noentry.x').refused).toContain('registered with noentry.y@argo-3');
  });

  it('a unit that is the whole of its WorkflowTemplate version, and a native flow, are deleted as named', () => {
    expect(deletionGroup(ALL, 'single.only')).toEqual({ refs: ['single.only@argo-4'] });
    expect(deletionGroup(ALL, 'native')).toEqual({ refs: ['native@1', 'native@2'] });
    expect(deletionGroup(ALL, 'native', '2')).toEqual({ refs: ['native@2'] });
    expect(deletionGroup(ALL, 'nothing')).toEqual({ refs: [] });
  });
});
