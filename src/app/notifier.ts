/**
 * onEnd notifications: when a run that has `onEnd.webhook` ends, its summary is POSTed
 * there as JSON. The body is signed with HMAC-SHA256 under STRATA_NOTIFY_SECRET
 * (`X-Strata-Signature: sha256=<hex>`, as GitHub signs its webhooks), so the receiver can
 * check it came from strata. Deliveries are BullMQ jobs (any process that ends a run adds
 * one; coordinators deliver): a delivery that fails (no answer in 10 s, a non-2xx) is
 * tried again with exponential backoff, 6 attempts in all; its job id is the run's and
 * its retry count, so one end is notified once.
 *
 * Nothing is lost to a crash between a run's end and the queueing: the commit that ends
 * the run writes an outbox entry in the same Lua script (run-commit-5.lua); `ended`
 * removes it once the job is queued, and coordinators queue entries left behind
 * OUTBOX_SWEEP_MS after their time: the outbox is one of what a coordinator takes up when
 * it looks (`outbox`, a DueSource of coordinator.ts; run-commit-5.lua tells waiting
 * coordinators of each entry), so nothing reads it on a timer. Queueing one twice is
 * harmless: the job id is the same.
 */
import { createHmac } from 'node:crypto';
import { Queue, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { notifications } from '../api/metrics.ts';
import type { RunStatus } from '../engine/types.ts';
import type { OnEnd } from '../run/run-view.ts';
import type { RunStore } from '../store/run-store.ts';
import type { DueSource } from '../coordinator/coordinator.ts';
import type { Logger } from './logger.ts';

const QUEUE = 'notify';
/** How old an outbox entry must be before a coordinator queues it (live ends are left to the process that ended the run). */
const OUTBOX_SWEEP_MS = 5000;

interface NotifyJob {
  runId: string;
  status: RunStatus;
  webhook: string;
}

/** The signature header's value for a body: `sha256=` and the hex HMAC-SHA256 under `secret`. */
export function signature(body: string, secret: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

export interface Notifier {
  /** queue the notification of a run's end, when it asked for one */
  ended(runId: string, status: RunStatus): Promise<void>;
  /** the outbox as coordinators take it up (delivering processes only) */
  outbox?: DueSource;
  close(): Promise<void>;
}

export interface NotifierOptions {
  store: RunStore;
  connection: Redis;
  bullPrefix: string;
  secret: string | undefined;
  log: Logger;
  /** deliver in this process (coordinators); other processes only queue */
  deliver: { connection: Redis } | undefined;
  /** the first retry's delay (ms); doubled each time */
  backoffMs?: number;
}

export function startNotifier(o: NotifierOptions): Notifier {
  const queue = new Queue<NotifyJob>(QUEUE, { connection: o.connection, prefix: o.bullPrefix });
  queue.on('error', () => {});
  let worker: Worker<NotifyJob> | undefined;
  if (o.deliver) {
    worker = new Worker<NotifyJob>(QUEUE, (job) => deliver(job.data, job.attemptsMade + 1), { connection: o.deliver.connection, prefix: o.bullPrefix, concurrency: 8 });
    worker.on('error', () => {});
    worker.on('failed', (job, err) => {
      if (job && job.attemptsMade >= (job.opts.attempts ?? 1)) {
        notifications.inc({ outcome: 'failed' });
        o.log.error({ event: 'notify.failed', run: job.data.runId, webhook: job.data.webhook, err }, `onEnd of run ${job.data.runId} not delivered to ${job.data.webhook}: ${err.message}`);
      }
    });
  }

  async function deliver(j: NotifyJob, attempt: number): Promise<void> {
    const run = await o.store.head(j.runId);
    const body = JSON.stringify({
      event: 'run.end', runId: j.runId, status: j.status, attempt,
      ...(run ? { name: run.name, flow: run.flow, labels: run.labels, origin: run.origin, createdAt: run.createdAt, finishedAt: run.finishedAt, error: run.error, retries: run.retries } : {}),
    });
    const headers: Record<string, string> = { 'content-type': 'application/json', 'user-agent': 'strata', 'x-strata-event': 'run.end', 'x-strata-run': j.runId };
    if (o.secret) headers['x-strata-signature'] = signature(body, o.secret);
    const res = await fetch(j.webhook, { method: 'POST', headers, body, signal: AbortSignal.timeout(10_000), redirect: 'error' });
    if (!res.ok) throw new Error(`${j.webhook} answered ${res.status}`);
    notifications.inc({ outcome: 'delivered' });
    o.log.info({ event: 'notify.delivered', run: j.runId, webhook: j.webhook, attempt }, `onEnd of run ${j.runId} delivered to ${j.webhook}`);
  }

  /** Queue the notification of one end (outbox entry `<run>|<retries>|<status>`), then clear the entry. */
  async function queueEnd(runId: string, retries: string, status: RunStatus): Promise<void> {
    const onEnd = await o.store.redis.hget(o.store.key(runId), 'onEnd');
    // A run deleted since has nobody left to tell about; its entry just goes.
    if (onEnd) {
      const { webhook } = JSON.parse(onEnd) as OnEnd;
      await queue.add('end', { runId, status, webhook }, { jobId: `${runId}|${retries}`, attempts: 6, backoff: { type: 'exponential', delay: o.backoffMs ?? 1000 }, removeOnComplete: { age: 3600 }, removeOnFail: { age: 7 * 24 * 3600 } });
    }
    await o.store.redis.zrem(o.store.outboxKey, `${runId}|${retries}|${status}`);
  }

  const outbox: DueSource = {
    graceMs: OUTBOX_SWEEP_MS,
    /** Queue every outbox entry of `now` or earlier (a bounded batch). */
    async fireDue(now) {
      const entries = await o.store.redis.zrangebyscore(o.store.outboxKey, '-inf', now, 'LIMIT', 0, 500);
      for (const e of entries) {
        const [runId, retries, status] = e.split('|');
        await queueEnd(runId, retries, status as RunStatus).catch((err) => o.log.error({ event: 'notify.outbox', run: runId, err }, `onEnd outbox entry of run ${runId} not queued: ${(err as Error).message}`));
      }
    },
    async earliest() {
      const [, score] = await o.store.redis.zrange(o.store.outboxKey, '0', '0', 'WITHSCORES');
      return score === undefined ? undefined : Number(score);
    },
  };

  return {
    async ended(runId, status) {
      const retries = await o.store.redis.hget(o.store.key(runId), 'retries');
      await queueEnd(runId, retries ?? '0', status);
    },
    ...(o.deliver ? { outbox } : {}),
    async close() {
      await worker?.close();
      await queue.close();
    },
  };
}
