/**
 * The refusal of an Argo document, through the real stack: `strata import argo` of its file
 * as a process (exit 2, no stack trace) and POST /v1/runs of its text (400, no run and no
 * flow stored), each problem listed once; `strata runs submit` of its text (exit 2).
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import { runStrata } from './processes.ts';
import type { RunTestService } from './run-service.ts';

export type Problem = { path: string; message: string };

/** `file`'s refusal by the CLI (its stderr) and by HTTP (its problems and message), checked as above. */
export async function argoRefused(svc: RunTestService, file: string, text: string): Promise<{ stderr: string; problems: Problem[]; message: string }> {
  const imp = await runStrata(['import', 'argo', file], { STRATA_URL: svc.url });
  expect(imp.code, imp.stdout).toBe(2);
  expect(imp.stderr).not.toMatch(/\n\s+at /);
  const runs = (await svc.call('GET', '/v1/runs')).body.runs.length;
  const flows = (await svc.call('GET', '/v1/flows')).body.flows.length;
  const r = await svc.call('POST', '/v1/runs', text);
  expect(r.status, JSON.stringify(r.body)).toBe(400);
  expect((await svc.call('GET', '/v1/runs')).body.runs.length).toBe(runs);
  expect((await svc.call('GET', '/v1/flows')).body.flows.length).toBe(flows);
  const problems: Problem[] = r.body.error.details?.problems ?? [];
  // Each problem once.
  expect(new Set(problems.map((p) => `${p.path}: ${p.message}`)).size).toBe(problems.length);
  return { stderr: imp.stderr, problems, message: r.body.error.message };
}

/** Problems as `path: message` lines. */
export const said = (ps: Problem[]): string[] => ps.map((p) => `${p.path}: ${p.message}`);

/** Argo document `text` written to a file of its own and refused by argoRefused: its problems, one `path: message` a line, each said by the CLI too. */
export async function refusedLines(svc: RunTestService, text: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'strata-refused-'));
  try {
    await writeFile(join(dir, 'doc.yaml'), text);
    const { stderr, problems } = await argoRefused(svc, join(dir, 'doc.yaml'), text);
    const lines = said(problems);
    for (const line of lines) expect(stderr).toContain(line.replace(/^body: /, ''));
    return lines.join('\n');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** `strata runs submit` (a process, reaching the strata of `env`) of Argo document `text` written to a file of its own: refused with exit 2 and no stack trace; its stderr. */
export async function submitRefused(env: Record<string, string>, text: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'strata-refused-'));
  const r = await writeFile(join(dir, 'doc.yaml'), text)
    .then(() => runStrata(['runs', 'submit', join(dir, 'doc.yaml')], env))
    .finally(() => rm(dir, { recursive: true, force: true }));
  expect(r.code, r.stdout).toBe(2);
  expect(r.stderr).not.toMatch(/\n\s+at /);
  return r.stderr;
}
