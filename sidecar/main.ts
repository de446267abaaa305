/**
 * Entry point of the quarterback sidecar, one per pod that has a micro flow:
 *   node --import tsx sidecar/main.ts PLAN.json     (or node sidecar/bin.cjs PLAN.json)
 * The micro plan's path comes from argv or STRATA_MICRO_PLAN. Messages to the worker go
 * to stdout (protocol.ts), diagnostics to stderr. Exit code: 0 the pod succeeded, 1 it
 * failed or was cancelled, 2 it could not start (bad plan file).
 */
import { loadImageMap } from '../runtime/image-map.ts';
import { readMicroPlan, type MicroPlan } from '../runtime/quarterback/micro-plan.ts';
import { Launcher, nativeLauncher } from '../runtime/process/launcher-client.ts';
import { ProcessDriver } from '../runtime/process/process-driver.ts';
import { decodeWorkerMessage, encode, lineSplitter, now, type QuarterbackMessage } from '../runtime/quarterback/protocol.ts';
import { Quarterback } from './quarterback.ts';

const SIGNALS = ['SIGTERM', 'SIGINT', 'SIGHUP'] as const;

async function main(): Promise<number> {
  const path = process.argv[2] ?? process.env.STRATA_MICRO_PLAN;
  if (!path) {
    process.stderr.write('usage: quarterback PLAN.json (or set STRATA_MICRO_PLAN)\n');
    return 2;
  }
  const send = batchedSender((text) => process.stdout.write(text));
  let plan: MicroPlan;
  try {
    plan = await readMicroPlan(path);
  } catch (e) {
    send({ type: 'done', ok: false, status: 'failed', error: (e as Error).message });
    process.stderr.write(`quarterback: ${(e as Error).message}\n`);
    return 2;
  }
  // Containers started by the launcher in C when it is built (posix_spawn: about half the CPU of
  // Node's fork a container, docs/performance.md, Fifteenth pass), else by this process's spawn().
  const native = nativeLauncher();
  const launcher = native ? new Launcher(native) : undefined;
  const driver = new ProcessDriver({
    imageMap: plan.imageMap ?? loadImageMap(),
    ...(launcher ? { launcher } : {}),
    ...(plan.killGraceMs !== undefined ? { killGraceMs: plan.killGraceMs } : {}),
    onProcess: (event, step, attempt, pid) => send({ type: 'container', event, step, attempt, pid, at: now() }),
  });
  const qb = new Quarterback({ plan, driver, send });
  for (const sig of SIGNALS) process.on(sig, () => qb.cancel(`the quarterback got ${sig}`, { outside: true }));
  process.stdout.on('error', () => qb.cancel('the worker stopped reading the quarterback', { outside: true }));
  if (plan.control === 'stdin') watchStdin(qb);
  const done = await qb.run();
  await launcher?.close();
  process.stdin.destroy();
  return done.ok ? 0 : 1;
}

/**
 * Messages of one tick go out in one write: a container's exit, the next one's start and
 * their reports leave together, at once, with one wake-up for the worker.
 */
function batchedSender(write: (text: string) => void): (m: QuarterbackMessage) => void {
  let pending: string[] = [];
  const flush = () => {
    const text = pending.join('');
    pending = [];
    write(text);
  };
  return (m) => {
    if (pending.length === 0) queueMicrotask(flush);
    pending.push(encode(m));
  };
}

/** Worker messages on stdin; its end means the worker is gone, and so the pod stops. */
function watchStdin(qb: Quarterback): void {
  const lines = lineSplitter((line) => {
    const m = decodeWorkerMessage(line);
    if (m?.type === 'cancel') qb.cancel(m.reason);
    else if (m?.type === 'grant') qb.grant(m.asked, m.steps);
  });
  process.stdin.on('data', (b: Buffer) => lines.push(b));
  process.stdin.on('end', () => qb.cancel('the worker running this pod is gone', { outside: true }));
  process.stdin.on('error', () => qb.cancel('the worker running this pod is gone', { outside: true }));
}

// No top-level await: bin.cjs loads this file as CommonJS.
void main().then((code) => {
  process.exitCode = code;
  // Everything is stopped by now; do not let a stray handle keep a finished pod alive.
  setTimeout(() => process.exit(code), 5000).unref();
});
