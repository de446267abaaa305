/**
 * An onEnd notification is not lost when the process that ended the run is killed before
 * it queued the notification: the run's end and its notification's outbox entry are one
 * commit (run-commit-5.lua), and a coordinator sweeps the outbox. Real processes, Redis,
 * HTTP.
 */
import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { newRunId } from '../../src/coordinator/coordinator.ts';
import { until } from '../support/processes.ts';
import { startRunService } from '../support/run-service.ts';
import { usePrefixes } from '../support/test-service.ts';

const newPrefix = usePrefixes();

let receiver: Server;
let receiverUrl: string;
const received: string[] = [];
beforeAll(async () => {
  receiver = createServer((req, res) => {
    let body = '';
    req.on('data', (d) => (body += d));
    req.on('end', () => {
      received.push(body);
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', () => r()));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as { port: number }).port}/hook`;
});
afterAll(async () => new Promise((r) => receiver?.close(r)));

describe('onEnd across a kill between the run\'s end and the queueing', () => {
  it('is delivered by a coordinator that starts afterwards', async () => {
    const prefix = newPrefix('t');
    const id = newRunId();
    const child = spawn(process.execPath, ['test/support/end-run-and-die.mjs', inject('redisUrl'), prefix, id, receiverUrl], { stdio: ['ignore', 'inherit', 'inherit'] });
    const signal = await new Promise<NodeJS.Signals | null>((r) => child.on('exit', (_code, sig) => r(sig)));
    expect(signal).toBe('SIGKILL');
    const svc = await startRunService({}, {}, prefix);
    try {
      const got = await until('the notification to arrive', () => received.map((b) => JSON.parse(b)).find((b) => b.runId === id), 20_000);
      expect(got).toMatchObject({ event: 'run.end', runId: id, status: 'succeeded', flow: 'died@1' });
    } finally {
      await svc.close();
    }
  });
});
