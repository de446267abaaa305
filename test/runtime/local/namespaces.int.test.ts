/**
 * Issue 13, fault 11: two strata instances (two STRATA_HOMEs) on one machine never touch
 * each other's files. A pod left behind by a dead worker of instance A is A's to reap:
 * instance B, reaping its own leftovers, leaves it (and its process) alone.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { homeNamespace, makePodDirs, OWNER_FILE } from '../../../runtime/local/pod-dirs.ts';
import { processRunning } from '../../../runtime/process/process-group.ts';
import { flowDoc, shTask } from '../../support/documents.ts';
import { until } from '../../support/processes.ts';
import { startRunService, type RunTestService } from '../../support/run-service.ts';

const open: RunTestService[] = [];
const orphans: number[] = [];
afterAll(async () => {
  for (const s of open) await s.close().catch(() => undefined);
  for (const pid of orphans) if (processRunning(pid)) process.kill(pid, 'SIGKILL');
});

async function deadPid(): Promise<number> {
  const c = spawn('true');
  await new Promise((r) => c.once('exit', r));
  return c.pid!;
}

async function runOne(svc: RunTestService): Promise<void> {
  const r = await svc.call('POST', '/v1/runs', { flow: flowDoc({ sequence: [{ id: 'a', task: shTask('true') }] }, 'ns') });
  expect((await svc.waitRun(r.body.runId)).status).toBe('succeeded');
}

describe('instances on one machine', () => {
  it('reap only their own leftovers: B leaves A\'s dead pod alone, A reaps it', async () => {
    const prefixA = `ns-a-${Date.now()}`;
    const homeA = `/tmp/strata-test-${prefixA}`;
    // What a SIGKILLed worker of A (and its watchdog) left: a pod directory and a process in it.
    const stale = await makePodDirs('r-stale', 'p', true, { namespace: homeNamespace(homeA) });
    await writeFile(join(stale.root, OWNER_FILE), String(await deadPid()));
    const orphan = spawn('sleep', ['60'], { env: { PATH: process.env.PATH ?? '', STRATA_SCRATCH: stale.scratch }, detached: true, stdio: 'ignore' });
    orphans.push(orphan.pid!);

    const b = await startRunService();
    open.push(b);
    expect(homeNamespace(b.home)).not.toBe(homeNamespace(homeA));
    await runOne(b); // B's runtime reaps B's leftovers before its first step
    expect(existsSync(stale.scratch)).toBe(true);
    expect(processRunning(orphan.pid!)).toBe(true);

    const a = await startRunService({}, {}, prefixA);
    open.push(a);
    expect(a.home).toBe(homeA);
    await runOne(a);
    await until('A to reap its own leftover', () => !processRunning(orphan.pid!) && !existsSync(stale.root));
  });
});
