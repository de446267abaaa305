/**
 * WorkflowTemplate `a.b` and template `b` of WorkflowTemplate `a` make the same flow name
 * `a.b` (Argo tester 6, Q4): applying one hid the other and deleting one deleted both. In
 * Argo they are separate objects (a WorkflowTemplate's name is a Kubernetes name, which may
 * hold a dot). The second one is now refused when it is applied or sent, naming both, with
 * nothing stored changing; `strata flows delete a.b` deletes WorkflowTemplate a.b only.
 * Through the real stack: `strata apply`, `strata import argo`, `strata flows delete` as
 * processes, POST /v1/runs and POST /v1/flows, a real Redis.
 */
import { join } from 'node:path';
import { parse } from 'yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import { importArgo } from '../../src/argo/import-argo.ts';
import type { FlowDocument } from '../../src/flow/types.ts';
import { runStrata } from '../support/processes.ts';
import { cliEnv, useRunService } from '../support/use-run-service.ts';
import { argoFixtures } from '../support/documents.ts';

const svc = useRunService();
const env = cliEnv(svc);
const { dir: DIR, read } = argoFixtures('name-clash');
const strata = (...args: string[]) => runStrata(args, env);
/** The versions registered under a flow name (none: []). */
const versions = async (name: string): Promise<string[]> => {
  const r = await svc.call('GET', `/v1/flows/${name}`);
  return r.status === 404 ? [] : (r.body.versions as FlowDocument[]).map((f) => f.metadata.version);
};

beforeAll(async () => {
  const out = await strata('apply', join(DIR, 'wt-a.yaml'));
  expect(out.code, out.stdout + out.stderr).toBe(0);
});

describe('two WorkflowTemplates making one flow name are refused (Q4)', () => {
  it('strata apply of WorkflowTemplate nc-dot.b after nc-dot: exit 2 naming both, nothing stored, nc-dot/b still called', async () => {
    const before = await versions('nc-dot.b');
    const out = await strata('apply', join(DIR, 'wt-ab.yaml'));
    expect(out.code, out.stdout + out.stderr).toBe(2);
    expect(out.stderr).toContain('WorkflowTemplate nc-dot.b (its entrypoint) makes the flow name "nc-dot.b", which template b of WorkflowTemplate nc-dot, registered, makes too');
    expect(await versions('nc-dot.b')).toEqual(before);
    expect(await versions('nc-dot.b.main')).toEqual([]);
    const run = await strata('runs', 'submit', join(DIR, 'wf-ref-b.yaml'), '--watch');
    expect(run.code, run.stdout + run.stderr).toBe(0);
  });

  it('POST /v1/runs of WorkflowTemplate nc-dot.b: 400, nothing stored', async () => {
    const r = await svc.call('POST', '/v1/runs', read('wt-ab.yaml'));
    expect(r.status, JSON.stringify(r.body)).toBe(400);
    expect(JSON.stringify(r.body)).toContain('template b of WorkflowTemplate nc-dot');
    expect(await versions('nc-dot.b.main')).toEqual([]);
  });

  it('POST /v1/flows of the flow strata import argo made of nc-dot.b: 409, nothing stored', async () => {
    const made = importArgo([{ doc: parse(read('wt-ab.yaml')), source: 'wt-ab.yaml' }]);
    const entry = made.entries[0];
    const before = await versions('nc-dot.b');
    const r = await svc.call('POST', '/v1/flows', entry);
    expect(r.status, JSON.stringify(r.body)).toBe(409);
    expect(r.body.error.message).toContain('template b of WorkflowTemplate nc-dot');
    expect(await versions('nc-dot.b')).toEqual(before);
  });

  it('both in one file: strata import argo refuses it (exit 2), without a server', async () => {
    const out = await runStrata(['import', 'argo', join(DIR, 'both.yaml')]);
    expect(out.code, out.stdout + out.stderr).toBe(2);
    expect(out.stderr).toContain('makes the flow name "nc-both.b"');
  });

  it('strata flows delete nc-dot.b deletes WorkflowTemplate nc-dot.b, not template b of nc-dot (a pair stored before the refusal)', async () => {
    // The pair as an earlier strata stored it: registered straight into the store.
    const made = importArgo([{ doc: parse(read('wt-ab.yaml')), source: 'wt-ab.yaml' }]);
    for (const f of made.units) await svc.defs.registerFlow(f as unknown as FlowDocument);
    const ofA = (await versions('nc-dot.b')).length;
    expect(ofA).toBe(2);
    const out = await strata('flows', 'delete', 'nc-dot.b');
    expect(out.code, out.stdout + out.stderr).toBe(0);
    expect(await versions('nc-dot.b')).toHaveLength(1);
    expect(await versions('nc-dot.b.main')).toEqual([]);
    const run = await strata('runs', 'submit', join(DIR, 'wf-ref-b.yaml'), '--watch');
    expect(run.code, run.stdout + run.stderr).toBe(0);
  });
});
