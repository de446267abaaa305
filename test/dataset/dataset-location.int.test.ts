/**
 * A Dataset's relative file:// location is made absolute when it is taken in (docs/flow-language.md,
 * Datasets' locations), so every step gets an absolute one: over HTTP against the directory
 * the server was started in; by `strata apply FILE` against the CLI's own working directory,
 * before it is sent. strata/tree-reader reads only absolute locations.
 */
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useRunService } from '../support/use-run-service.ts';
import { flowDoc } from '../support/documents.ts';
import { runStrata } from '../support/processes.ts';

const svc = useRunService();

const dataset = (name: string, location: string) => ({ apiVersion: 'strata/v1', kind: 'Dataset', metadata: { name }, spec: { shape: 'tree', location } });

describe('relative file:// locations of Datasets', () => {
  it('over HTTP: taken from the directory the server was started in, once, at ingest: the Dataset kept and the step given hold the absolute location', async () => {
    const r = await svc.call('POST', '/v1/datasets?run=true', dataset('rel-http', 'file://examples/retail/data'));
    expect(r.status, r.text).toBe(202);
    const absolute = `file://${resolve('examples/retail/data')}`;
    expect(r.body.dataset.spec.location).toBe(absolute);
    expect((await svc.call('GET', '/v1/datasets/rel-http')).body.dataset.spec.location).toBe(absolute);
    const run = await svc.waitRun(r.body.runId, 60_000);
    expect(run.status, run.error ?? '').toBe('succeeded');
    expect(run.steps['read-tree/sf'].status).toBe('succeeded');
  });

  it('by strata apply FILE: taken from the CLI\'s working directory, wherever the server was started', async () => {
    // A directory outside /tmp (a step's /tmp is its own): the fixture's, holding dataset.json (file://stores) and stores/.
    const here = resolve('test/fixtures/datasets/relative');
    const out = await runStrata(['apply', 'dataset.json', '--run', '--watch'], { STRATA_URL: svc.url }, here);
    expect(out.code, out.stderr).toBe(0);
    expect((await svc.call('GET', '/v1/datasets/rel-cli')).body.dataset.spec.location).toBe(`file://${join(here, 'stores')}`);
    expect(out.stdout).toContain('succeeded');
  });

  it('strata/tree-reader refuses a relative location it is given directly: it guesses no base', async () => {
    const r = await svc.call('POST', '/v1/runs', { flow: flowDoc({ id: 'read', generate: { image: 'strata/tree-reader', args: ['file://examples/retail/data', JSON.stringify(dataset('x', 'file://examples/retail/data'))] } }, 'reader') });
    const run = await svc.waitRun(r.body.runId, 30_000);
    expect(run.status).toBe('failed');
    expect(run.steps.read.error).toContain('tree-reader: location must be an absolute file:// address');
  });
});
