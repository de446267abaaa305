/**
 * Argo tester 6's message findings (P9 rests, Q15, Q18): what strata says of an Argo
 * document is said in the document's terms (its template, step and field), never in the
 * names strata's flows use inside. Through the real stack: documents sent to POST /v1/runs
 * and the `strata` CLI as processes, runs on the local runtime.
 */
import { describe, expect, it } from 'vitest';
import { useRunService } from '../support/use-run-service.ts';
import { argoFixtures } from '../support/documents.ts';

const svc = useRunService({ STRATA_MAX_FANOUT_ITEMS: '5' });
const { read } = argoFixtures('tester-6/messages');

describe('a run-time limit or null in an Argo document', () => {
  it('a withParam list past STRATA_MAX_FANOUT_ITEMS names the withParam, not fanOut.over', async () => {
    const r = await svc.runToEnd(read('withparam-limit.yaml'));
    expect(r.status).toBe('failed');
    expect(r.steps.each.error).toBe('template main, step each, withParam "{{steps.gen.outputs.result}}" gave 8 items, more than the limit of 5 (STRATA_MAX_FANOUT_ITEMS)');
  });

  it('a container field whose expression gives null names the template, the field and the expression, not its json-logic', async () => {
    const r = await svc.runToEnd(read('null-field.yaml'));
    expect(r.status).toBe('failed');
    expect(r.steps.main.error).toContain(`template main, command[1]: expression "jsonpath(workflow.parameters.doc, '$.a')" gave null`);
    expect(r.steps.main.error).not.toContain('json-logic');
  });
});
