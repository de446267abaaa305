/**
 * Issue 9, runs of the largest sizes (opt-in: `npm run bench -- million`, `npm run bench --
 * treerun`; minutes each, so not in the default run).
 *
 * - million: a plan of 1,000,000 steps (a graph of 1,000,000 tasks shaped as a tree, ten
 *   children a node, dependsOn = parent), with the limits raised by configuration:
 *   (1) validated, compiled and dry-run in a fresh process (time, peak RSS; target < 20 s,
 *   < 4 GB); (2) POSTed as a run to `strata up` (a separate process, STRATA_RUNTIME=noop)
 *   and run to the end: wall time, the peak RSS of the strata process and of redis-server,
 *   Redis memory per step, the stored plan's size, and how long Redis stopped answering
 *   while the run was created (a PING every 10 ms the whole time; the longest wait).
 * - treerun: a Dataset describing a tree of 100,000 nodes POSTed to `/v1/datasets?run=true`
 *   of `strata up` on the local runtime; a Rule of higher priority than the built-in picks
 *   the hierarchy generator with a no-op program for every node (NOOP_PROGRAM: it writes
 *   its empty output and exits), so each step spawns a real process that does nothing. Wall time to the run's end, Redis memory
 *   per step, peak RSS of the strata process and of redis-server.
 *
 * Peak RSS of a process: VmHWM of /proc/PID/status, read just before it is stopped.
 */
import { fork, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, openSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Redis } from 'ioredis';
import type { dryRun as DryRunFn } from '../src/engine/dry-run.ts';
import type { validateFlowDocument as ValidateFn } from '../src/flow/flow-document.ts';
import { DEFAULT_LIMITS, type Limits } from '../src/flow/limits.ts';
import type { compileFlow as CompileFn } from '../src/plan/compile.ts';
import { startRedisServer } from '../src/store/redis-server.ts';
import { readProcStat, TICK_MS } from '../runtime/local/proc-stat.ts';
import { bigTree } from './dataset-bench.ts';
import type { Figure } from './measure.ts';

const CHILD_FLAG = '--scale-bench-child';
const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** The limits raised for a million steps, as variables and as data. */
const RAISED_ENV = { STRATA_MAX_DOCUMENT_NODES: '2000000', STRATA_MAX_RUN_STEPS: '2000000', STRATA_MAX_FANOUT_ITEMS: '2000000' };
const RAISED: Limits = { ...DEFAULT_LIMITS, maxNodes: 2_000_000, maxSteps: 2_000_000, maxFanOutItems: 2_000_000 };

/**
 * The no-op program of a tree node's step: the hierarchy generator declares an output
 * `out` for every step (its parent reads it), so the program writes it empty and does
 * nothing else. `sh` is dash on Debian: one small process a step.
 */
const NOOP_PROGRAM = { image: 'strata/noop', command: ['sh', '-c', ': > "$STRATA_OUTPUTS/out"'] };

/** A Flow whose root is a graph of `n` tasks shaped as a tree (ten children a node). */
export function treeFlow(n: number, image = 'strata/noop'): unknown {
  const nodes: Record<string, unknown> = {};
  for (let i = 0; i < n; i++) nodes[`n${i}`] = i === 0 ? { task: { image } } : { task: { image }, dependsOn: [`n${Math.floor((i - 1) / 10)}`] };
  return { apiVersion: 'strata/v1', kind: 'Flow', metadata: { name: `tree-${n}`, version: '1' }, spec: { root: { graph: { nodes } } } };
}

interface Compiled {
  ms: { build: number; validate: number; compile: number; dryRun: number };
  /** CPU time (user + system) of validate + compile + dry run: moves less than wall time on a shared machine */
  cpuMs: number;
  steps: number;
  ticks: number;
  peakRssMb: number;
}

interface Core {
  validateFlowDocument: typeof ValidateFn;
  compileFlow: typeof CompileFn;
  dryRun: typeof DryRunFn;
}

/**
 * The compiled code users run (dist/, which `npm run bench` builds first), not the sources
 * through tsx: tsx keeps function names by wrapping every closure made (a few percent of a
 * million-node compile). The sources when there is no build.
 */
async function loadCore(): Promise<Core> {
  const built = (p: string) => new URL(`../dist/src/${p}.js`, import.meta.url).href;
  const source = (p: string) => new URL(`../src/${p}.ts`, import.meta.url).href;
  const from = existsSync(fileURLToPath(built('engine/dry-run'))) ? built : source;
  const [a, b, c] = await Promise.all([import(from('flow/flow-document')), import(from('plan/compile')), import(from('engine/dry-run'))]);
  return { validateFlowDocument: a.validateFlowDocument, compileFlow: b.compileFlow, dryRun: c.dryRun };
}

/** In a fresh process: build, validate, compile and dry-run the million-step flow with the raised limits. */
function compileInChild(n: number, { validateFlowDocument, compileFlow, dryRun }: Core): Compiled {
  const t0 = performance.now();
  const raw = treeFlow(n);
  const t1 = performance.now();
  const cpu0 = process.cpuUsage();
  const doc = validateFlowDocument(raw, RAISED);
  const t2 = performance.now();
  const compiled = compileFlow(doc, () => undefined, RAISED);
  const t3 = performance.now();
  const r = dryRun(compiled.root, compiled.params, { maxSteps: RAISED.maxSteps, maxFanOutItems: RAISED.maxFanOutItems });
  const t4 = performance.now();
  const cpu = process.cpuUsage(cpu0);
  if (r.status !== 'succeeded') throw new Error(`dry run ${r.status}: ${r.error}`);
  return {
    ms: { build: t1 - t0, validate: t2 - t1, compile: t3 - t2, dryRun: t4 - t3 },
    cpuMs: (cpu.user + cpu.system) / 1000,
    steps: compiled.stepIds.length,
    ticks: r.order.length,
    peakRssMb: process.resourceUsage().maxRSS / 1024,
  };
}

function inChild(n: number): Promise<Compiled> {
  const execArgv = process.execArgv.some((a) => a.includes('tsx')) ? process.execArgv : ['--import', 'tsx'];
  return new Promise((resolve, reject) => {
    const child = fork(fileURLToPath(import.meta.url), [CHILD_FLAG, String(n)], { execArgv, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    let got: Compiled | undefined;
    child.once('message', (m) => (got = m as Compiled));
    child.once('error', reject);
    child.once('exit', (code) => (got ? resolve(got) : reject(new Error(`scale bench child exited ${code} without figures`))));
  });
}

/** Peak and current RSS of a process in MB (VmHWM, VmRSS). */
function rssOf(pid: number): { peak: number; now: number } {
  const s = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (k: string) => Number(new RegExp(`${k}:\\s+(\\d+)`).exec(s)?.[1] ?? 0);
  return { peak: kb('VmHWM') / 1024, now: kb('VmRSS') / 1024 };
}

interface Strata {
  child: ChildProcess;
  url: string;
  stop(): Promise<void>;
}

/**
 * `strata up` (compiled, as users run it) on `redisUrl` with `env`, listening on a port it
 * picks itself (PORT=0) and names in its log: a port chosen here could be taken meanwhile
 * by any other process of the machine (its answers then are not strata's).
 */
async function strataUp(redisUrl: string, home: string, env: Record<string, string>): Promise<Strata> {
  const logPath = join(home, 'strata.log');
  const child = spawn(process.execPath, [join(ROOT, 'bin/strata.js'), 'up'], {
    cwd: ROOT,
    // A request's Redis commands wait up to a minute: storing a run of this size takes Redis
    // longer than the 5 s default on a loaded machine (that answers 503, docs/performance.md).
    env: { ...process.env, REDIS_URL: redisUrl, STRATA_HOME: home, PORT: '0', STRATA_LOG_LEVEL: 'info', STRATA_RETENTION: '0', STRATA_REDIS_TIMEOUT_MS: '60000', ...env },
    stdio: ['ignore', openSync(logPath, 'a'), openSync(logPath, 'a')],
  });
  let url: string | undefined;
  for (let i = 0; !url; i++) {
    url = /strata API on (http:\/\/[\d.]+:\d+)/.exec(readFileSync(logPath, 'utf8'))?.[1];
    if (child.exitCode !== null || i > 1200) {
      child.kill('SIGKILL');
      throw new Error(`strata up did not start (exit ${child.exitCode})`);
    }
    if (!url) await new Promise((r) => setTimeout(r, 100));
  }
  return {
    child, url,
    stop: async () => {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 30_000))]);
      if (child.exitCode === null) child.kill('SIGKILL');
    },
  };
}

/** CPU time (user + system) a process and the children it reaped have used, in ms (/proc/PID/stat, clock ticks of 10 ms). */
function cpuOf(pid: number): number {
  const s = readProcStat(pid);
  if (!s) throw new Error(`process ${pid} is gone: no CPU time to read`);
  return (s.utime + s.stime + s.cutime + s.cstime) * TICK_MS;
}

async function post(url: string, body: string): Promise<{ status: number; json: any }> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body }).catch((e: Error & { cause?: Error }) => {
    throw new Error(`POST ${url}: ${e.message} (${e.cause?.message})`);
  });
  const text = await res.text();
  return { status: res.status, json: JSON.parse(text) };
}

/**
 * How long Redis stops answering: a PING every 10 ms, the longest wait kept (`longest()`
 * returns it and starts a new span). A PING refused BUSY (a script past lua-time-limit)
 * is tried again: the wait counts until one is answered.
 */
function stallMeter(redis: Redis): { longest(): number; busy(): number; stop(): Promise<void> } {
  let stallMs = 0;
  let busy = 0;
  let done = false;
  const pinger = (async () => {
    while (!done) {
      const t = performance.now();
      for (;;) {
        try {
          await redis.ping();
          break;
        } catch {
          busy++;
          await new Promise((r) => setTimeout(r, 10));
        }
      }
      stallMs = Math.max(stallMs, performance.now() - t);
      await new Promise((r) => setTimeout(r, 10));
    }
  })();
  return {
    longest: () => {
      const m = stallMs;
      stallMs = 0;
      return m;
    },
    busy: () => busy,
    stop: async () => {
      done = true;
      await pinger;
    },
  };
}

/** `fn`, tried again while Redis answers BUSY (a long script): the bench must not stop on it. */
async function patiently<T>(fn: () => Promise<T>): Promise<T> {
  for (;;) {
    try {
      return await fn();
    } catch (e) {
      if (!/BUSY/.test((e as Error).message)) throw e;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

async function usedMemory(redis: Redis): Promise<number> {
  return Number(/used_memory:(\d+)/.exec(await patiently(() => redis.info('memory')))?.[1] ?? 0);
}

/**
 * Wait for the run to end or for `budgetMs` to pass, sampling; returns its status then and
 * the steps ended (the run's progress).
 */
async function waitEnd(redis: Redis, runId: string, budgetMs: number, onSample: () => void, log: (s: string) => void): Promise<{ status: string; logged: number }> {
  const key = `strata:run:${runId}`;
  const start = performance.now();
  let last = 0;
  for (;;) {
    const status = (await patiently(() => redis.hget(key, 'status'))) ?? 'not stored yet';
    // Steps ended: the `finished` entries of the run's log (all but its `begin`). Not BullMQ's
    // completed jobs, which it keeps at most 200,000 of (removeOnComplete).
    const logged = Math.max(0, (await patiently(() => redis.llen(`${key}:log`))) - 1);
    onSample();
    if (!['pending', 'running', 'not stored yet'].includes(status) || performance.now() - start > budgetMs) return { status, logged };
    if (performance.now() - last > 30_000) {
      last = performance.now();
      log(`  ... ${status}; steps ended ${logged} after ${Math.round((performance.now() - start) / 1000)} s`);
    }
    await new Promise((r) => setTimeout(r, 1000));
  }
}

/** The million-step plan: compile + dry run in a child; then the run on `strata up` with the no-op runtime. */
export async function millionBench(n = 1_000_000, log: (s: string) => void = console.log, parts: { compile?: boolean; run?: boolean; budgetMs?: number } = {}): Promise<Figure[]> {
  const figures: Figure[] = [];
  if (parts.compile !== false) figures.push(...(await compileFigures(n, log)));
  if (parts.run !== false) figures.push(...(await runOnStrata(n, 'noop', log, parts.budgetMs)));
  return figures;
}

async function compileFigures(n: number, log: (s: string) => void): Promise<Figure[]> {
  const c = await inChild(n);
  const figures: Figure[] = [
    { name: `${n.toLocaleString('en')}-step tree: validate`, value: Math.round(c.ms.validate), unit: 'ms' },
    { name: '  compile', value: Math.round(c.ms.compile), unit: 'ms' },
    { name: `  dry run (${c.ticks} ticks)`, value: Math.round(c.ms.dryRun), unit: 'ms' },
    { name: '  validate + compile + dry run (target < 20000)', value: Math.round(c.ms.validate + c.ms.compile + c.ms.dryRun), unit: 'ms' },
    // On a shared machine the wall time is the share of the cores the process got; its CPU time is the figure to hold to the target.
    { name: '  the same, CPU time of the process (user + system; target < 20000)', value: Math.round(c.cpuMs), unit: 'ms' },
    { name: '  peak memory of that process, maxRSS (target < 4096)', value: Math.round(c.peakRssMb), unit: 'MB' },
  ];
  log(figures.map((f) => `${f.name} ${f.value} ${f.unit}`).join('\n'));
  return figures;
}

/** Run the `n`-step tree (or, for `treerun`, a Dataset of `n` tree nodes) to its end on a `strata up` of its own. */
async function runOnStrata(n: number, what: 'noop' | 'dataset', log: (s: string) => void, budgetMs = Infinity): Promise<Figure[]> {
  const server = await startRedisServer();
  const redis = new Redis(server.url);
  const pinger = new Redis(server.url);
  const home = await mkdtemp(join(tmpdir(), 'strata-bench-scale-'));
  const env = what === 'noop'
    ? { STRATA_RUNTIME: 'noop', STRATA_WORKER_CONCURRENCY: '32', STRATA_MAX_BODY_BYTES: String(512 * 1024 * 1024), STRATA_API_TASK_MB: '8192', STRATA_API_TASK_MS: '1800000', ...RAISED_ENV }
    : { STRATA_RUNTIME: 'local', STRATA_WORKER_CONCURRENCY: '10', STRATA_MAX_BODY_BYTES: String(64 * 1024 * 1024) };
  const strata = await strataUp(server.url, home, env).catch(async (e: unknown) => {
    redis.disconnect();
    pinger.disconnect();
    await server.stop();
    throw e;
  });
  const figures: Figure[] = [];
  let peakStrata = 0;
  let peakRedisUsed = 0;
  const sample = () => {
    peakStrata = Math.max(peakStrata, rssOf(strata.child.pid!).peak);
  };
  try {
    const before = await usedMemory(redis);
    let body: string;
    let path: string;
    if (what === 'noop') {
      body = JSON.stringify({ flow: treeFlow(n) });
      path = '/v1/runs';
    } else {
      const rule = { apiVersion: 'strata/v1', kind: 'Rule', metadata: { name: 'bench-noop-tree' }, spec: { priority: 100, when: { '==': [{ var: 'spec.shape' }, 'tree'] }, emit: { generator: 'hierarchy', with: { operations: { default: NOOP_PROGRAM } } } } };
      const r = await post(`${strata.url}/v1/rules`, JSON.stringify(rule));
      if (r.status >= 300) throw new Error(`POST /v1/rules answered ${r.status}: ${JSON.stringify(r.json).slice(0, 300)}`);
      body = JSON.stringify({ apiVersion: 'strata/v1', kind: 'Dataset', metadata: { name: 'bench-tree' }, spec: { shape: 'tree', root: bigTree(n) } });
      path = '/v1/datasets?run=true';
    }
    log(`  POST ${path}: ${(body.length / 1e6).toFixed(1)} MB`);
    const t0 = performance.now();
    const cpu0 = { strata: cpuOf(strata.child.pid!), redis: cpuOf(server.process.pid!) };
    const stalls = stallMeter(pinger);
    const res = await post(`${strata.url}${path}`, body).catch((e: Error) => {
      log(`  strata's log, its end: ${readFileSync(join(home, 'strata.log'), 'utf8').slice(-2000)}`);
      throw e;
    });
    const accepted = performance.now() - t0;
    const stallMs = stalls.longest();
    if (res.status >= 300) throw new Error(`POST ${path} answered ${res.status}: ${JSON.stringify(res.json).slice(0, 300)}`);
    const runId = res.json.runId ?? res.json.run?.id;
    log(`  run ${runId} accepted after ${Math.round(accepted)} ms; Redis stalled at most ${Math.round(stallMs)} ms`);
    const planParts = await patiently(() => redis.llen(`strata:run:${runId}:plan:parts`));
    const { status, logged } = await waitEnd(redis, runId, budgetMs, () => {
      sample();
      void usedMemory(redis).then((m) => (peakRedisUsed = Math.max(peakRedisUsed, m)));
    }, log);
    const wall = performance.now() - t0;
    const runStallMs = stalls.longest();
    const busyPings = stalls.busy();
    await stalls.stop();
    const ended = !['pending', 'running', 'not stored yet'].includes(status);
    if (ended && status !== 'succeeded') log(`  the run ${status}: ${await patiently(() => redis.hget(`strata:run:${runId}`, 'error'))}`);
    const cpu = { strata: cpuOf(strata.child.pid!) - cpu0.strata, redis: cpuOf(server.process.pid!) - cpu0.redis };
    const after = await usedMemory(redis);
    const stepRecords = await patiently(() => redis.hlen(`strata:run:${runId}:steps`));
    // The plan is kept in parts (src/store/value-parts.ts): each read on its own, as strata reads them.
    let planBytes = 0;
    let longestPartMs = 0;
    const t1 = performance.now();
    for (let i = 0; i < planParts; i++) {
      const t = performance.now();
      planBytes += (await redis.lindexBuffer(`strata:run:${runId}:plan:parts`, i))?.length ?? 0;
      longestPartMs = Math.max(longestPartMs, performance.now() - t);
    }
    const planGetMs = performance.now() - t1;
    sample();
    const label = what === 'noop' ? `run of the ${n.toLocaleString('en')}-step tree, no-op runtime` : `run of a ${n.toLocaleString('en')}-node tree Dataset, local runtime, a no-op program a step`;
    figures.push(
      { name: `${label}: status`, value: status === 'succeeded' ? 1 : 0, unit: `(1 = succeeded; ${ended ? status : `still ${status}: stopped after the time budget`})` },
      { name: '  POST to run accepted (parse, plan, store)', value: Math.round(accepted), unit: 'ms' },
      { name: ended ? '  POST to run ended, wall time' : '  POST to the budget\'s end, wall time', value: Math.round(wall / 100) / 10, unit: 's' },
      { name: '  steps ended (entries of its log)', value: logged, unit: 'steps' },
      { name: '  steps a second, from the run accepted', value: Math.round(logged / ((wall - accepted) / 1000)), unit: 'steps/s' },
      { name: '  CPU time per step ended: the strata process and what it started', value: Math.round((cpu.strata / logged) * 100) / 100, unit: 'ms' },
      { name: '  CPU time per step ended: redis-server', value: Math.round((cpu.redis / logged) * 100) / 100, unit: 'ms' },
      { name: '  longest Redis stall while the run was made (PING every 10 ms)', value: Math.round(stallMs), unit: 'ms' },
      { name: '  longest Redis stall while it ran', value: Math.round(runStallMs), unit: 'ms' },
      { name: '  PINGs refused BUSY (a script past lua-time-limit, 5 s)', value: busyPings, unit: 'times' },
      { name: `  stored plan, in ${planParts} parts`, value: Math.round(planBytes / 1e5) / 10, unit: 'MB' },
      { name: '  the plan read part by part, in all / its longest command', value: Math.round(planGetMs), unit: `ms / ${longestPartMs.toFixed(1)} ms` },
      { name: '  Redis used_memory at the end, per step of the plan', value: Math.round((after - before) / stepRecords), unit: 'bytes' },
      { name: '  Redis used_memory at its peak (sampled each second)', value: Math.round(peakRedisUsed / 2 ** 20), unit: 'MB' },
      { name: '  peak RSS of the strata process (API, coordinator, worker)', value: Math.round(peakStrata), unit: 'MB' },
      { name: '  peak RSS of redis-server', value: Math.round(rssOf(server.process.pid!).peak), unit: 'MB' },
    );
    return figures;
  } finally {
    await strata.stop();
    redis.disconnect();
    pinger.disconnect();
    await server.stop();
    await rm(home, { recursive: true, force: true });
  }
}

/** The 100,000-node tree Dataset run on the local runtime, every step a no-op program. */
export async function treeRunBench(n = 100_000, log: (s: string) => void = console.log): Promise<Figure[]> {
  return runOnStrata(n, 'dataset', log);
}

const direct = process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href;
if (direct && process.argv[2] === CHILD_FLAG) {
  process.send!(compileInChild(Number(process.argv[3]), await loadCore()));
} else if (direct) {
  // npx tsx bench/scale-bench.ts million|million-compile|million-run|treerun [n] [budget s]
  const which = process.argv[2] ?? 'million';
  const n = process.argv[3] ? Number(process.argv[3]) : undefined;
  const budgetMs = process.argv[4] ? Number(process.argv[4]) * 1000 : Infinity;
  const figures = which === 'treerun'
    ? await runOnStrata(n ?? 100_000, 'dataset', console.log, budgetMs)
    : await millionBench(n, console.log, { compile: which !== 'million-run', run: which !== 'million-compile', budgetMs });
  for (const f of figures) console.log(`${f.name.padEnd(72)} ${f.value} ${f.unit}`);
}
