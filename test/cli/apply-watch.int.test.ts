/** `strata apply --run --watch`, `strata runs` and `strata logs` as real processes against a running strata. */
import { runStrata } from '../support/processes.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRunService, type RunTestService } from '../support/run-service.ts';
import { useTempDirs } from '../support/temp-dirs.ts';

const newTempDir = useTempDirs('strata-apply-');

let svc: RunTestService;
beforeAll(async () => {
  svc = await startRunService({ STRATA_IMAGE_MAP: 'examples/retail/images.json' });
});
afterAll(async () => svc?.close());

const strata = (...args: string[]) => runStrata(args, { STRATA_URL: svc.url });

describe('strata apply', () => {
  it('registers flow, rule and dataset, runs it and follows it live to success', async () => {
    const out = await strata('apply', 'examples/retail/dataset.yaml', 'examples/retail/rules.yaml', 'examples/retail/report-flow.yaml', '--run', '--watch');
    expect(out.stderr).toBe('');
    expect(out.code).toBe(0);
    const lines = out.stdout.split('\n');
    expect(lines[0]).toBe('flow retail-report@1 created');
    expect(lines[1]).toBe('rule retail-hierarchy created');
    expect(out.stdout).toMatch(/✓ tree\/us-west\/sf succeeded/);
    expect(out.stdout).toMatch(/run \S+ succeeded: 22 succeeded/);
    const runId = /run (\S+) started/.exec(out.stdout)![1];
    const runs = await strata('runs');
    expect(runs.stdout).toContain(runId);
    const logs = await strata('logs', runId, 'report/publish');
    expect(logs.stdout).toMatch(/^retail 2026: \d+\.\d{2} over \d+ records/);
  });

  it('exits non-zero when the run fails, and names the failed step', async () => {
    const flow = { apiVersion: 'strata/v1', kind: 'Flow', metadata: { name: 'fails', version: '1' }, spec: { root: { sequence: [{ id: 'boom', task: { image: 'alpine', command: ['sh', '-c', 'exit 4'] } }] } } };
    const { writeFileSync } = await import('node:fs');
    const dir = newTempDir();
    writeFileSync(`${dir}/f.json`, JSON.stringify(flow));
    const out = await strata('apply', `${dir}/f.json`, '--run', '--watch');
    expect(out.code).toBe(1);
    expect(out.stdout).toMatch(/✗ boom/);
  });

  it('reports an unreachable server in a sentence, exit code 7', async () => {
    const child = await runStrata(['runs'], { STRATA_URL: 'http://127.0.0.1:1' });
    expect(child.code).toBe(7);
    expect(child.stderr).toMatch(/^strata: cannot reach strata at http:\/\/127.0.0.1:1/);
  });
});
