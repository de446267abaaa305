/**
 * Names holding a `.` (Argo tester 5, P6): a workflow parameter `a.b` read inside a
 * templateRef template, in a `when` and an expression of the Workflow's own, an input
 * parameter `in.put` of a templateRef template in a `when`, an expression and text, and an
 * output parameter `out.p`; and a strata flow's param `a.b` read whole by `{"at": [...]}` at
 * both levels. `var` splits its path at ".": each was read as `a` then `b` (null).
 * Through the real stack: the WorkflowTemplate applied with `strata apply`, the documents
 * sent as they are to `POST /v1/runs` and run on the local runtime.
 */
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { runStrata } from '../support/processes.ts';
import { cliEnv, useRunService } from '../support/use-run-service.ts';
import { argoFixtures } from '../support/documents.ts';

const svc = useRunService();
const env = cliEnv(svc);
const { dir: DIR, read } = argoFixtures('dotted-names');

beforeAll(async () => {
  const out = await runStrata(['apply', join(DIR, 'wt-dotted.yaml')], env);
  expect(out.code, out.stdout + out.stderr).toBe(0);
});

describe('names with a dot are read whole', () => {
  it('Argo: a workflow parameter a.b in a templateRef template and in the Workflow\'s when and expression; an input in.put; an output out.p', async () => {
    const r = await svc.runToEnd(read('wf-dotted.yaml'));
    expect(r.status, JSON.stringify(r.steps)).toBe('succeeded');
    expect(r.steps['show/main'].result).toBe('a.b=[dotted-value] a=[plain-a]');
    expect(r.steps['guarded/yes'].result).toBe('in.put=go expr=go! wf=dotted-value');
    expect(r.steps.local.result).toBe('local=dotted-value');
    expect(r.steps.read.result).toBe('out.p=from-dotted');
  });

  it('strata flows, at both levels: {"at": ["params", "a.b"]} reads the param a.b, {"var": "params.a.b"} field b of a', async () => {
    const r = await svc.runToEnd({ flow: parse(read('dotted-native.yaml')) });
    expect(r.status, JSON.stringify(r.steps)).toBe('succeeded');
    expect(r.steps.macro.result).toBe('dotted/nested dotted');
    expect(r.steps['pod/micro'].result).toBe('dotted/nested');
  });
});
