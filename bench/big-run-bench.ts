/**
 * A big Argo loop's reads (Argo tester 7, R12; docs/performance.md, "Seventh pass"): an
 * Argo Workflow whose withItems has BIG items (20,000 by default; each about 110 bytes, as
 * the tester's 11 MB for 100,000) posted to a real `strata up` (no-op runtime, worker
 * concurrency 1), then cancelled. Printed, each a count: the bytes of the cancel's answer,
 * of GET /v1/runs/:id (whole) and of
 * `?summary=true`, the service process's CPU for each (/proc/PID/stat), the longest wait of
 * a /healthz asked every 100 ms meanwhile (a blocked thread shows there: past
 * STRATA_REDIS_TIMEOUT_MS, 5 s, every Redis command of the process fails and requests are
 * answered 503), and `strata runs get` as a real process: its output's bytes and its CPU.
 */
import { spawn } from 'node:child_process';
import { bigLoop } from '../test/support/big-loop.ts';
import { BIN, cpuMs, sleep, startStrata } from './strata-process.ts';

interface Figure {
  name: string;
  value: number;
  unit: string;
}


/** Keep asking /healthz (every 100 ms) while `work` goes on: the longest wait for an answer, and answers other than 200. */
export async function healthDuring<T>(url: string, work: Promise<T>): Promise<{ result: T; longestMs: number; refused: number }> {
  let over = false;
  let longestMs = 0;
  let refused = 0;
  const ended = work.finally(() => (over = true));
  const ask = async () => {
    while (!over) {
      const t = Date.now();
      const r = await fetch(`${url}/healthz`).catch(() => undefined);
      await r?.arrayBuffer();
      if (r?.status !== 200) refused++;
      longestMs = Math.max(longestMs, Date.now() - t);
      await sleep(100);
    }
  };
  const [result] = await Promise.all([ended, ask()]);
  return { result, longestMs, refused };
}

function strata(args: string[], env: Record<string, string>): Promise<{ code: number | null; stdoutBytes: number; cpuMs: number }> {
  return new Promise((resolve) => {
    const before = cpuMs('self', true);
    const child = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'ignore'] });
    let bytes = 0;
    child.stdout!.on('data', (d: Buffer) => (bytes += d.length));
    child.on('close', (code) => resolve({ code, stdoutBytes: bytes, cpuMs: cpuMs('self', true) - before }));
  });
}

/** The figures of one big loop (BIG items). */
export async function bigRunBench(n = Number(process.env.BIG ?? 20_000)): Promise<Figure[]> {
  const up = await startStrata('up', 'big', { STRATA_RUNTIME: 'noop', STRATA_WORKER_CONCURRENCY: '1' });
  const { url } = up;
  const figures: Figure[] = [];
  const add = (name: string, value: number, unit: string) => figures.push({ name, value, unit });
  try {
    const body = JSON.stringify(bigLoop(n));
    add('items', n, '');
    add('document', body.length / 1e6, 'MB');
    let cpu = cpuMs(up.pid);
    const post = await healthDuring(url, fetch(`${url}/v1/runs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body }).then(async (r) => (await r.json()) as { runId: string }));
    const id = post.result.runId;
    add('POST /v1/runs: service CPU', cpuMs(up.pid) - cpu, 'ms');
    add('POST /v1/runs: longest /healthz wait meanwhile', post.longestMs, 'ms');
    // Every item's step known (the loop has started).
    for (let i = 0; i < 3000; i++, await sleep(200)) {
      const p = (await (await fetch(`${url}/v1/runs/${id}/progress`)).json()) as { total: number };
      if (p.total > n) break;
    }
    // Cancelled, and ended, before the reads: the service then does nothing else, so its CPU is the reads'.
    cpu = cpuMs(up.pid);
    const cancel = await healthDuring(url, fetch(`${url}/v1/runs/${id}/cancel`, { method: 'POST' }).then(async (r) => (await r.arrayBuffer()).byteLength));
    add('POST /v1/runs/:id/cancel: bytes', cancel.result, 'B');
    add('POST /v1/runs/:id/cancel: service CPU', cpuMs(up.pid) - cpu, 'ms');
    add('POST /v1/runs/:id/cancel: longest /healthz wait meanwhile', cancel.longestMs, 'ms');
    for (let i = 0; i < 3000; i++, await sleep(200)) {
      const s = (await (await fetch(`${url}/v1/runs?limit=1`)).json()) as { runs: Array<{ status: string }> };
      if (s.runs[0]?.status === 'cancelled') break;
    }
    await sleep(1000);
    for (const [name, query] of [['GET /v1/runs/:id (every step)', ''], ['GET /v1/runs/:id?summary=true', '?summary=true']] as const) {
      cpu = cpuMs(up.pid);
      const read = await healthDuring(url, fetch(`${url}/v1/runs/${id}${query}`).then(async (r) => (await r.arrayBuffer()).byteLength));
      add(`${name}: bytes`, read.result, 'B');
      add(`${name}: service CPU`, cpuMs(up.pid) - cpu, 'ms');
      add(`${name}: longest /healthz wait meanwhile`, read.longestMs, 'ms');
      add(`${name}: /healthz answers other than 200`, read.refused, '');
    }
    for (const [name, args] of [['strata runs get', ['runs', 'get', id]], ['strata runs get --all', ['runs', 'get', id, '--all']]] as const) {
      cpu = cpuMs(up.pid);
      const r = await strata([...args], { STRATA_URL: url });
      add(`${name}: exit code`, r.code ?? -1, '');
      add(`${name}: output`, r.stdoutBytes, 'B');
      add(`${name}: its CPU`, r.cpuMs, 'ms');
      add(`${name}: service CPU`, cpuMs(up.pid) - cpu, 'ms');
    }
  } finally {
    await up.stop();
  }
  return figures;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const f of await bigRunBench()) console.log(`${f.name.padEnd(60)} ${Number.isInteger(f.value) ? f.value : f.value.toFixed(2)} ${f.unit}`);
}
