/**
 * Issue 13, fault 11: two strata instances (two STRATA_HOMEs) on one machine never touch
 * each other's files. A pod left behind by a dead worker of instance A is A's to reap:
 * instance B, reaping its own leftovers, leaves it (and its process) alone.
 * And what an instance makes outside its home (its namespace directories in /dev/shm and
 * the tmp dir) is gone once its last process stops, cleanly or killed.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { homeNamespace, makePodDirs, OWNER_FILE, podDirBases, ramWorkRoot } from '../../../runtime/local/pod-dirs.ts';
import { processRunning } from '../../../runtime/process/process-group.ts';
import { flowDoc, shTask } from '../../support/documents.ts';
import { deadPid, spawnStrata, stop, until } from '../../support/processes.ts';
import { startRunService, type RunTestService } from '../../support/run-service.ts';
import { usePrefixes, testHome } from '../../support/test-service.ts';

const newPrefix = usePrefixes();

const open: RunTestService[] = [];
const orphans: number[] = [];
afterAll(async () => {
  for (const s of open) await s.close().catch(() => undefined);
  for (const pid of orphans) if (processRunning(pid)) process.kill(pid, 'SIGKILL');
});


async function runOne(svc: RunTestService): Promise<void> {
  const r = await svc.call('POST', '/v1/runs', { flow: flowDoc({ sequence: [{ id: 'a', task: shTask('true') }] }, 'ns') });
  expect((await svc.waitRun(r.body.runId)).status).toBe('succeeded');
}

describe('instances on one machine', () => {
  it('reap only their own leftovers: B leaves A\'s dead pod alone, A reaps it', async () => {
    const prefixA = newPrefix('ns-a');
    const homeA = testHome(prefixA);
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

describe('an instance that stops', () => {
  // A task, a pod with its scratch in RAM and one with its scratch on disk: every kind of pod directory.
  const flow = flowDoc({
    sequence: [
      { id: 't', task: shTask('true') },
      { id: 'ram', pod: { flow: { task: shTask('touch $STRATA_SCRATCH/x') }, channels: { scratch: 'memory' } } },
      { id: 'disk', pod: { flow: { task: shTask('touch $STRATA_SCRATCH/x') }, channels: { scratch: 'disk' } } },
    ],
  }, 'ns-stop');

  // Argo tester 2, fault 15: SIGINT (Ctrl-C of `strata up` / `npm start`) left the workers'
  // RAM directory (/dev/shm/strata-<ns>-work) behind, empty; a kill's is swept at the next start.
  for (const how of ['SIGINT', 'SIGTERM', 'SIGKILL'] as const) {
    it(`leaves no namespace directory in /dev/shm or the tmp dir (${how})`, { timeout: 60_000 }, async () => {
      const prefix = newPrefix('nss');
      const home = testHome(prefix);
      const env = { REDIS_URL: inject('redisUrl'), STRATA_PREFIX: prefix, STRATA_HOME: home, PORT: '0' };
      const up = spawnStrata(['up'], env);
      try {
        const url = await until('the API to listen', () => /API on (http:\/\/[\d.:]+)/.exec(up.output())?.[1]);
        const res = await fetch(`${url}/v1/runs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ flow }) });
        const { runId } = (await res.json()) as { runId: string };
        const status = await until('the run to end', async () => {
          const s = ((await (await fetch(`${url}/v1/runs/${runId}`)).json()) as { status: string }).status;
          return s === 'succeeded' || s === 'failed' ? s : undefined;
        }, 30_000);
        expect(status).toBe('succeeded');
        const bases = podDirBases({ namespace: homeNamespace(home) });
        expect(bases.some((b) => existsSync(b))).toBe(true);
        // Linux and CI give /dev/shm: the RAM directory is checked, never passed over.
        const ram = ramWorkRoot({ namespace: homeNamespace(home) });
        expect(ram, 'no /dev/shm on this machine').toBeDefined();
        // Another instance's start (a test beside this one) sweeps an empty RAM directory of a
        // live one, which makes it again when it needs it (sweepRamWorkRoots): made here if so.
        mkdirSync(ram!, { recursive: true });
        up.kill(how);
        await until('strata up to exit', () => up.exitCode !== null || up.signalCode !== null, 20_000);
        // Killed, its watchdog cleans up after it (moments later).
        await until('its namespace directories to be gone', () => bases.every((b) => !existsSync(b)));
        if (how !== 'SIGKILL') {
          expect(existsSync(ram!)).toBe(false);
          return;
        }
        // A kill leaves the RAM directory (unless another instance's start swept it, as above:
        // then made here); the next start of the same home takes it over, and its stop removes it.
        mkdirSync(ram!, { recursive: true });
        const again = spawnStrata(['up'], env);
        try {
          await until('the API to listen again', () => /API on (http:\/\/[\d.:]+)/.exec(again.output())?.[1]);
          again.kill('SIGTERM');
          await until('strata up to exit again', () => again.exitCode !== null || again.signalCode !== null, 20_000);
          expect(existsSync(ram!)).toBe(false);
        } finally {
          await stop(again);
        }
      } finally {
        await stop(up);
      }
    });
  }
});
