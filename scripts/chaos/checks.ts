/**
 * What the chaos harness measures once its runs ended: overlapping executions of one step
 * (noted by the steps themselves, step.sh), outputs replaced after being recorded (a
 * recorded token that disagrees with the kept files, or with what the next step read),
 * and what strata left on the machine (processes carrying the harness's mark, attempt
 * and pod directories).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { homeNamespace } from '../../runtime/local/pod-dirs.ts';
import { processesWithEnv } from '../../runtime/local/sweep.ts';
import { processRunning } from '../../runtime/process/process-group.ts';
import { POD_STEPS_FILE, type KeptStep } from '../../runtime/quarterback/protocol.ts';
import { EDGES, LEAVES } from './flows.ts';

interface StepView {
  status: string;
  result: { token?: string; read?: string } | null;
}

/** Overlaps the steps noted: one line each. */
export function overlaps(dir: string): string[] {
  const f = join(dir, 'overlaps');
  return existsSync(f) ? readFileSync(f, 'utf8').trim().split('\n').filter(Boolean) : [];
}

/** Executions the steps started (one line each in `starts`), and how many steps were started more than once. */
export function executions(dir: string): { executions: number; steps: number; again: number } {
  const f = join(dir, 'starts');
  const lines = existsSync(f) ? readFileSync(f, 'utf8').trim().split('\n').filter(Boolean) : [];
  const per = new Map<string, number>();
  for (const l of lines) {
    const [run, step] = l.split(' ');
    per.set(`${run} ${step}`, (per.get(`${run} ${step}`) ?? 0) + 1);
  }
  return { executions: lines.length, steps: per.size, again: [...per.values()].filter((n) => n > 1).length };
}

/**
 * For a run that succeeded: every leaf's recorded token must be the one its kept files
 * hold, and every input a step read must be the token its producer recorded. Returns one
 * sentence per disagreement.
 */
export function replacedOutputs(home: string, runId: string, steps: Record<string, StepView>): string[] {
  const problems: string[] = [];
  const token = (step: string) => steps[step]?.result?.token;
  const kept = (step: string, file: string) => {
    const p = join(home, 'artifacts', runId, ...step.split('/'), file);
    return existsSync(p) ? readFileSync(p, 'utf8') : undefined;
  };
  for (const leaf of LEAVES) {
    const t = token(leaf);
    if (!t) {
      problems.push(`${runId} ${leaf}: no token recorded`);
      continue;
    }
    if (kept(leaf, 'out') !== t) problems.push(`${runId} ${leaf}: kept output "${kept(leaf, 'out')}" is not the recorded token ${t}`);
    // A macro step keeps its result.json; a pod keeps its micro steps' results in one file.
    const inPod = leaf.startsWith('pod/');
    const result = inPod ? keptPodStep(kept('pod', POD_STEPS_FILE), leaf) : kept(leaf, 'result.json');
    if (!result || (JSON.parse(result) as { token?: string }).token !== t) problems.push(`${runId} ${leaf}: the kept result is not the recorded result`);
  }
  if (kept('pod', 'out') !== token('pod/p3')) problems.push(`${runId} pod: kept output is not its last container's recorded token`);
  for (const [consumer, inputs] of Object.entries(EDGES)) {
    const read = new Map((steps[consumer]?.result?.read ?? '').split(';').filter(Boolean).map((kv) => kv.split('=') as [string, string]));
    for (const [name, producers] of Object.entries(inputs)) {
      const expected = producers.map(token).join(',');
      if (read.get(name) !== expected) problems.push(`${runId} ${consumer}: read ${name}="${read.get(name)}", but ${producers.join(',')} recorded "${expected}"`);
    }
  }
  return problems;
}

/** A micro step's result as its pod's POD_STEPS_FILE keeps it, as JSON text. */
function keptPodStep(file: string | undefined, step: string): string | undefined {
  const entry = file ? (JSON.parse(file) as KeptStep[]).find((s) => s.step === step) : undefined;
  return entry ? JSON.stringify(entry.result) : undefined;
}

/** Processes still running that carry the harness's mark, but for those the harness holds. */
export function leftoverProcesses(mark: string, own: number[]): number[] {
  return processesWithEnv('CHAOS_MARK', mark).filter((p) => processRunning(p) && !own.includes(p));
}

/** Execution directories under the home and pod directories of the home's namespace, in RAM and on disk. */
export function leftoverDirs(home: string): string[] {
  const ns = homeNamespace(home);
  const found: string[] = [];
  // Execution directories side by side (src/worker/step-files.ts), on disk and in RAM.
  for (const flat of [join(home, 'work'), join('/dev/shm', `${ns}-work`)]) {
    if (existsSync(flat)) found.push(...readdirSync(flat).map((n) => join(flat, n)));
  }
  // Pod directories by run.
  for (const base of [join('/dev/shm', ns), join(tmpdir(), ns)]) {
    if (!existsSync(base)) continue;
    for (const run of readdirSync(base)) {
      const sub = join(base, run);
      const inside = readdirSync(sub);
      found.push(...(inside.length > 0 ? inside.map((n) => join(sub, n)) : [sub]));
    }
  }
  return found;
}
