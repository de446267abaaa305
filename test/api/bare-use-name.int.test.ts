/**
 * Tester 16: `strata runs submit --use NAME` ran the version registered last, while HTTP
 * `{ use: "NAME" }` (POST /v1/runs, /v1/plans) was refused for want of a version and
 * `strata plan --flow NAME` found no flow. A bare name now means the same everywhere: the
 * version registered last over HTTP and --use, the one version the files hold for --flow
 * (several: refused, naming them); a name nothing is registered under is 404.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { runStrata } from '../support/processes.ts';
import { strataHere } from '../support/strata-here.ts';
import { useRunService } from '../support/use-run-service.ts';
import { useTempDirs } from '../support/temp-dirs.ts';

const newTempDir = useTempDirs('strata-bare-');
const svc = useRunService();
const flow = (name: string, version: string) => ({ apiVersion: 'strata/v1', kind: 'Flow', metadata: { name, version }, spec: { root: { task: { image: 'alpine', command: ['echo', version] } } } });

describe('a flow named without its version', () => {
  it('over HTTP is the version registered last, as runs submit --use; unknown: 404', async () => {
    for (const v of ['1', '3', '2']) expect((await svc.call('POST', '/v1/flows', flow('bare', v))).status).toBe(201);
    const r = await svc.call('POST', '/v1/runs', { use: 'bare' });
    expect(r.status, r.text).toBe(202);
    expect((await svc.call('GET', `/v1/runs/${r.body.runId}`)).body.flow).toBe('bare@2');
    const p = await svc.call('POST', '/v1/plans', { use: 'bare' });
    expect(p.status, p.text).toBe(200);
    expect(p.body.plan).toEqual((await svc.call('POST', '/v1/plans', { use: 'bare@2' })).body.plan);
    const none = await svc.call('POST', '/v1/runs', { use: 'no-such-flow' });
    expect(none.status, none.text).toBe(404);
    expect(none.body.error.message).toContain('no registered flow "no-such-flow"');
    const cli = await runStrata(['runs', 'submit', '--use', 'bare'], { STRATA_URL: svc.url });
    expect(cli.code, cli.stderr).toBe(0);
    const id = /run (\S+) submitted/.exec(cli.stdout)![1];
    expect((await svc.call('GET', `/v1/runs/${id}`)).body.flow).toBe('bare@2');
  }, 60_000);

  it('in plan --flow is the files\' one version of it; several: exit 2 naming them', async () => {
    const dir = newTempDir();
    const one = join(dir, 'one.yaml');
    writeFileSync(one, [flow('main', '1'), flow('other', '4')].map((d) => stringify(d)).join('---\n'));
    const p = await strataHere(['plan', one, '--flow', 'other']);
    expect(p.code, p.stderr).toBe(0);
    expect(p.stdout).toContain('other');
    const two = join(dir, 'two.yaml');
    writeFileSync(two, [flow('other', '4'), flow('other', '5')].map((d) => stringify(d)).join('---\n'));
    const q = await strataHere(['plan', two, '--flow', 'other']);
    expect(q.code).toBe(2);
    expect(q.stderr).toContain('--flow other: the files hold 2 versions of it (other@4, other@5)');
  }, 60_000);
});
