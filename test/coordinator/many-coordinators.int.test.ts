/**
 * Several coordinators and workers on one Redis: two whole strata processes-worth of
 * parts (coordinator taking runs up 50 ms after a change, worker) share one prefix; every step of several
 * runs must start exactly once.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startRunService, type RunTestService } from '../support/run-service.ts';
import { useTempDirs } from '../support/temp-dirs.ts';
import { usePrefixes } from '../support/test-service.ts';

const newPrefix = usePrefixes();

const newTempDir = useTempDirs('strata-many-');

const dir = newTempDir();
const services: RunTestService[] = [];
afterAll(async () => {
  for (const s of services) await s.close();
});

describe('several coordinators on one Redis', () => {
  it('never double-start a step', async () => {
    const prefix = newPrefix('many');
    services.push(await startRunService({}, { graceMs: 50 }, prefix), await startRunService({}, { graceMs: 50 }, prefix));
    const [a, b] = services;
    const log = join(dir, 'starts');
    const step = { task: { image: 'alpine', command: ['sh', '-c', `echo "$STRATA_RUN $STRATA_STEP" >> ${log}`] } };
    const flow = { apiVersion: 'strata/v1', kind: 'Flow', metadata: { name: 'many', version: '1' }, spec: { root: { sequence: [{ id: 'fan', fanOut: { over: Array.from({ length: 12 }, (_, i) => i), concurrency: 4, do: step } }, { id: 'last', ...step }] } } };
    const ids: string[] = [];
    for (let i = 0; i < 4; i++) ids.push((await (i % 2 ? a : b).call('POST', '/v1/runs', { flow })).body.runId);
    for (const id of ids) expect((await a.waitRun(id, 30_000)).status).toBe('succeeded');
    const lines = readFileSync(log, 'utf8').trim().split('\n');
    expect(lines).toHaveLength(4 * 13);
    expect(new Set(lines).size).toBe(lines.length);
  });
});
