/**
 * The chaos harness (`npm run chaos`; a short version runs in `npm test`): Redis with AOF,
 * `strata serve` and three `strata worker`s on one home; it submits runs (each with an
 * Idempotency-Key, retried until accepted) while it SIGKILLs workers, serve and Redis at
 * random and starts them again; then it stops strata as an operator would and reports
 * runs succeeded / failed / stuck, overlapping executions of one step, outputs replaced
 * after being recorded, and processes and directories left over. Seeded: the same seed
 * makes the same choices (the machine's timing still varies).
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, isAbsolute } from 'node:path';
import { executions, leftoverDirs, leftoverProcesses, overlaps, replacedOutputs } from './checks.ts';
import { Fleet } from './fleet.ts';
import { chaosFlow, LEAVES } from './flows.ts';

export interface ChaosOptions {
  runs: number;
  kills: number;
  workers?: number;
  seed?: number;
  /** where everything goes (default: a new temp dir) */
  dir?: string;
  /** STRATA_LOCK_MS of the workers (default 4000) */
  lockMs?: number;
  /** how long runs may take after the last kill before those still going count as stuck (default 180 s) */
  settleMs?: number;
  log?: (line: string) => void;
}

export interface ChaosReport {
  seed: number;
  dir: string;
  runs: number;
  /** runs strata holds for the submissions (more than `runs` would be a duplicate start) */
  created: number;
  succeeded: number;
  failed: number;
  stuck: number;
  kills: { worker: number; serve: number; redis: number };
  overlaps: number;
  replaced: number;
  leftoverProcesses: number;
  leftoverDirs: number;
  /** strata processes that did not stop on SIGTERM within 30 s */
  unstoppable: number;
  /** executions of steps started, for how many steps, how many of which ran more than once (the kills' work) */
  executions: { executions: number; steps: number; again: number };
  seconds: number;
  problems: string[];
}

/** mulberry32: a small seeded generator, so a chaos run can be replayed. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const TERMINAL = new Set(['succeeded', 'failed', 'cancelled']);

export async function runChaos(o: ChaosOptions): Promise<ChaosReport> {
  const began = Date.now();
  const seed = o.seed ?? Math.floor(Math.random() * 2 ** 31);
  const rand = random(seed);
  const log = o.log ?? (() => undefined);
  if (o.dir !== undefined && underTmp(o.dir)) throw new Error(`chaos: ${o.dir} is under /tmp, and every container on the local runtime has a /tmp of its own: the steps could not leave their marks there for the checks; give a directory elsewhere (the default is under ${chaosBase(tmpdir())})`);
  const dir = o.dir ?? mkdtempSync(join(chaosBase(tmpdir()), 'strata-chaos-'));
  const marks = join(dir, 'marks');
  mkdirSync(join(marks, 'running'), { recursive: true });
  const mark = `chaos-${randomUUID()}`;
  const workers = o.workers ?? 3;
  const fleet = new Fleet({ dir, workers, mark, lockMs: o.lockMs ?? 4000 });
  const url = await fleet.url;
  const problems: string[] = [];
  log(`chaos: seed ${seed}, ${o.runs} runs, ${o.kills} kills, everything under ${dir}`);
  await fleet.start();

  // Submissions: each with its own Idempotency-Key, sent again until strata accepts it.
  const flow = chaosFlow(marks);
  const ids: string[] = [];
  const submit = async (i: number) => {
    for (;;) {
      try {
        const res = await fetch(`${url}/v1/runs`, { method: 'POST', headers: { 'content-type': 'application/json', 'idempotency-key': `chaos-${seed}-${i}` }, body: JSON.stringify({ flow }) });
        if (res.status === 202 || res.status === 201) return void ids.push(((await res.json()) as { runId: string }).runId);
        if (res.status < 500) throw new Error(`POST /v1/runs answered ${res.status}: ${await res.text()}`);
      } catch (e) {
        if ((e as Error).message.startsWith('POST /v1/runs answered')) throw e;
      }
      await sleep(300);
    }
  };
  const submitted = (async () => {
    for (let i = 0; i < o.runs; i += 10) await Promise.all(Array.from({ length: Math.min(10, o.runs - i) }, (_, j) => submit(i + j)));
  })();

  // Kills: the first three are one of each kind, then at random (workers most often).
  const kills = { worker: 0, serve: 0, redis: 0 };
  const order: Array<'worker' | 'serve' | 'redis'> = (['worker', 'serve', 'redis'] as const).slice().sort(() => rand() - 0.5);
  const state = new Map<string, string>();
  const allEnded = () => ids.length === o.runs && ids.every((id) => TERMINAL.has(state.get(id) ?? ''));
  // Kills begin once runs are under way, so they land on running steps.
  const until = Date.now() + 60_000;
  while (ids.length < Math.min(o.runs, 5) && Date.now() < until) await sleep(100);
  await sleep(500);
  // The first of each kind always happens, even when the runs end early (a fast machine);
  // the rest stop once every run has ended.
  for (let k = 0; k < o.kills && (k < Math.min(o.kills, order.length) || !allEnded()); k++) {
    const r = rand();
    const kind = k < order.length ? order[k] : r < 0.6 ? 'worker' : r < 0.85 ? 'serve' : 'redis';
    const target = kind === 'worker' ? { worker: Math.floor(rand() * workers) } : kind;
    await fleet.kill(target);
    kills[kind]++;
    await sleep(200 + rand() * 1300);
    await fleet.revive().catch((e) => problems.push(`could not start again after killing ${kind}: ${(e as Error).message}`));
    log(`chaos: killed ${kind}${kind === 'worker' ? ` ${(target as { worker: number }).worker}` : ''} (${k + 1}/${o.kills}); runs submitted ${ids.length}, ended ${[...state.values()].filter((s) => TERMINAL.has(s)).length}`);
    await sleep(500 + rand() * 2000);
    await poll(url, ids, state);
  }
  await submitted;

  // Let the runs end; those that do not within settleMs are stuck.
  const settleUntil = Date.now() + (o.settleMs ?? 180_000);
  while (!allEnded() && Date.now() < settleUntil) {
    await poll(url, ids, state);
    await sleep(1000);
  }
  const views = new Map<string, { status: string; steps: Record<string, { status: string; result: { token?: string; read?: string } | null }> }>();
  for (const id of ids) {
    const v = await getJson(url, `/v1/runs/${id}`);
    if (v) views.set(id, v as never);
  }
  const count = (s: string) => [...views.values()].filter((v) => v.status === s).length;
  const created = ((await getJson(url, '/v1/runs?flow=chaos&limit=1000')) as { runs?: unknown[] } | undefined)?.runs?.length ?? -1;

  const replaced: string[] = [];
  for (const [id, v] of views) if (v.status === 'succeeded') replaced.push(...replacedOutputs(fleet.home, id, v.steps));
  for (const [id, v] of views) if (v.status === 'failed') problems.push(`${id} failed: ${JSON.stringify(Object.entries(v.steps).filter(([, s]) => s.status === 'failed'))}`.slice(0, 500));
  const over = overlaps(marks);
  const execs = executions(marks);

  // Stop strata as an operator would; what is left then is left over.
  const unstoppable = await fleet.stopStrata();
  await sleep(500);
  const procs = leftoverProcesses(mark, fleet.ownPids());
  const dirs = leftoverDirs(fleet.home);
  await fleet.stopRedis();
  problems.push(...over.map((l) => `overlap: ${l}`), ...replaced, ...procs.map((p) => `process left: ${p}`), ...dirs.map((d) => `directory left: ${d}`));
  return {
    seed, dir, runs: o.runs, created,
    succeeded: count('succeeded'), failed: count('failed'), stuck: o.runs - count('succeeded') - count('failed') - count('cancelled'),
    kills, overlaps: over.length, replaced: replaced.length, leftoverProcesses: procs.length, leftoverDirs: dirs.length, unstoppable, executions: execs,
    seconds: Math.round((Date.now() - began) / 1000), problems,
  };
}

async function getJson(url: string, path: string): Promise<unknown> {
  for (let i = 0; i < 20; i++) {
    try {
      const res = await fetch(url + path);
      if (res.ok) return await res.json();
    } catch {
      // serve or Redis restarting
    }
    await sleep(500);
  }
  return undefined;
}

async function poll(url: string, ids: string[], state: Map<string, string>): Promise<void> {
  await Promise.all(
    ids.filter((id) => !TERMINAL.has(state.get(id) ?? '')).map(async (id) => {
      try {
        const res = await fetch(`${url}/v1/runs/${id}`);
        if (res.ok) state.set(id, ((await res.json()) as { status: string }).status);
      } catch {
        // serve or Redis restarting: asked again on the next poll
      }
    }),
  );
}

/** The report as the lines `npm run chaos` prints. */
export function formatReport(r: ChaosReport): string {
  const target = (ok: boolean) => (ok ? 'met' : 'MISSED');
  return [
    `chaos run: seed ${r.seed}, ${r.seconds} s, kills: ${r.kills.worker} workers, ${r.kills.serve} serve, ${r.kills.redis} Redis (SIGKILL)`,
    `runs: ${r.succeeded}/${r.runs} succeeded, ${r.failed} failed, ${r.stuck} stuck (${r.created} runs stored for ${r.runs} submissions)`,
    `step executions: ${r.executions.executions} for ${r.executions.steps} steps of ${r.runs * LEAVES.length} (${r.executions.again} steps started more than once)`,
    `overlapping executions of one step: ${r.overlaps}`,
    `outputs replaced after being recorded: ${r.replaced}`,
    `left over after stopping: ${r.leftoverProcesses} processes, ${r.leftoverDirs} directories${r.unstoppable ? `; ${r.unstoppable} strata processes did not stop on SIGTERM within 30 s` : ''}`,
    `target (all succeeded, every step marked, 0 overlaps, 0 replaced, 0 left over): ${target(chaosMet(r))}`,
    ...r.problems.slice(0, 20).map((p) => `  ${p}`),
    `files: ${r.dir}`,
  ].join('\n');
}

/**
 * The target: every run succeeded, none stored twice, no overlap, nothing replaced, nothing
 * left over, and every leaf of every run left its start mark (without them the overlap check
 * saw nothing: marks written where the steps' files cannot reach the harness).
 */
export function chaosMet(r: ChaosReport): boolean {
  const marked = r.executions.steps === r.runs * LEAVES.length;
  return marked && r.succeeded === r.runs && r.created === r.runs && r.overlaps === 0 && r.replaced === 0 && r.leftoverProcesses === 0 && r.leftoverDirs === 0 && r.unstoppable === 0;
}

/** Whether `path` is /tmp or beneath it. */
function underTmp(path: string): boolean {
  const rel = relative('/tmp', path);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

/**
 * Where the harness makes its directory, given the system's temporary directory `tmp`: `tmp`
 * itself, or /var/tmp when `tmp` is /tmp or beneath it, since a step writing its marks under
 * /tmp writes them into its container's own /tmp (docs/flow-language.md, A /tmp of its own).
 */
export function chaosBase(tmp: string): string {
  return underTmp(tmp) ? '/var/tmp' : tmp;
}
