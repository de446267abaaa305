/**
 * JSON nested deeper than strata reads (Argo tester 5, P7): every place strata reads JSON a
 * user or a step gave bounds its nesting (MAX_DATA_DEPTH, 256 levels) before a recursive
 * walk can overflow the stack. A step's standard output that deep is kept as text (as Argo
 * keeps outputs.result), so the step succeeds once; its result.json that deep fails the step
 * itself, once, named; fromJson/withParam over such text fails its reader, named; a
 * parameter that deep is refused when the run is asked for, over HTTP (4xx) and by the
 * `strata` CLI (exit 2), naming it. Real runs at both levels: coordinator, BullMQ, a worker,
 * processes; the CLI as a process.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { LEVELS } from '../support/levels.ts';
import { runAtLevel } from '../support/level-runs.ts';
import { runStrata } from '../support/processes.ts';
import { useRunService } from '../support/use-run-service.ts';

const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'deep-json');
const fixture = (name: string): string => join(FIXTURES, name);
const svc = useRunService();
let env: Record<string, string>;
beforeAll(() => {
  env = { STRATA_URL: svc.url };
});

/** A shell line printing `[1, [[[...2...]]]]` nested `n` deep inside the list, then a newline. */
const deepPrint = (n: number): string => `printf '[1, '; printf '%${n}s' '' | tr ' ' '['; printf 2; printf '%${n}s' '' | tr ' ' ']'; printf ']\\n'`;
const deepText = (n: number): string => `${'['.repeat(n)}"x"${']'.repeat(n)}`;
const NO_STACK = /internal|Maximum call stack|\n\s+at /;

describe('a step whose standard output is JSON nested 6,000 deep (Argo withParam)', { timeout: 120_000 }, () => {
  it('succeeds once with its output as text; the withParam reading it fails, named; nothing after runs', async () => {
    const run = await svc.runToEnd(readFileSync(fixture('withparam-deep.yaml'), 'utf8'));
    expect(run.status).toBe('failed');
    const gen = run.steps.gen;
    expect(gen, JSON.stringify(gen).slice(0, 500)).toMatchObject({ status: 'succeeded', attempts: 1, error: null });
    expect(gen.execution).toBeUndefined();
    expect(typeof gen.result).toBe('string');
    expect(String(gen.result).startsWith('[1, [[[')).toBe(true);
    expect(run.steps.each.status).toBe('failed');
    expect(run.error).toContain('nested more than 256 levels deep');
    expect(run.error).not.toMatch(/infrastructure|Maximum call stack/);
    expect(run.steps.after).toMatchObject({ status: 'skipped', startedAt: null });
  });
});

describe.each(LEVELS)('JSON nested too deep in a run ($name)', (level) => {
  it('a standard output that deep is the result as text, once; a result.json that deep fails its step once, named; fromJson over the text fails its reader, named', { timeout: 120_000 }, async () => {
    const root = {
      sequence: [
        { id: 'printed', task: { image: 'alpine', command: ['sh', '-c', deepPrint(6000)], result: 'stdout' } },
        { id: 'written', continueOn: { failed: true }, task: { image: 'alpine', command: ['sh', '-c', `(${deepPrint(6000)}) > "$STRATA_OUTPUTS/result.json"`] } },
        { id: 'each', fanOut: { over: { fromJson: { result: level.prefix === '' ? 'printed' : './printed' } }, do: { task: { image: 'alpine', command: ['echo', '{{ item }}'] } } } },
      ],
    };
    const { run, steps } = await runAtLevel(svc, level, root);
    expect(steps.printed, JSON.stringify(steps.printed).slice(0, 300)).toMatchObject({ status: 'succeeded', attempts: 1, exitCode: 0 });
    expect(steps.printed.execution).toBeUndefined();
    expect(String(steps.printed.result).startsWith('[1, [[[')).toBe(true);
    expect(steps.written, JSON.stringify(steps.written).slice(0, 300)).toMatchObject({ status: 'failed', attempts: 1, exitCode: 0 });
    expect(steps.written.execution).toBeUndefined();
    expect(steps.written.error).toContain('result.json is nested more than 256 levels deep');
    expect(steps.written.error).not.toMatch(/infrastructure|Maximum call stack/);
    expect(steps.each.status).toBe('failed');
    expect(run.status).toBe('failed');
    expect(run.error).toContain('nested more than 256 levels deep');
    expect(run.error).not.toMatch(/infrastructure|Maximum call stack/);
  });
});

describe('a parameter nested too deep', { timeout: 120_000 }, () => {
  const deep = deepText(20_000);

  it('strata runs submit -p and strata plan -p refuse it, naming -p list, exit 2 (Argo Workflow and strata flow)', async () => {
    for (const file of ['param-deep.yaml', 'param-deep.flow.yaml']) {
      for (const args of [['runs', 'submit', fixture(file), '-p', `list=${deep}`], ['plan', fixture(file), '-p', `list=${deep}`, '--dry-run']]) {
        const p = await runStrata(args, env);
        expect(p.code, `${args[0]} ${file}: ${p.stderr.slice(0, 300)}`).toBe(2);
        expect(p.stderr).toContain('list');
        expect(p.stderr).toContain('nested more than 256 levels deep');
        expect(p.stderr).not.toMatch(NO_STACK);
      }
    }
  });

  it('POST /v1/runs refuses it (4xx naming params.list), as text for an Argo Workflow and as a value for a strata flow, starting nothing', async () => {
    const before = (await svc.call('GET', '/v1/runs')).body.runs.length;
    const argo = await svc.call('POST', '/v1/runs', { flow: (await import('yaml')).parse(readFileSync(fixture('param-deep.yaml'), 'utf8')), params: { list: deep } });
    expect(argo.status, argo.text.slice(0, 300)).toBeGreaterThanOrEqual(400);
    expect(argo.status).toBeLessThan(500);
    expect(argo.text).toContain('params.list');
    expect(argo.text).toContain('nested more than 256 levels deep');
    const flow = (await import('yaml')).parse(readFileSync(fixture('param-deep.flow.yaml'), 'utf8'));
    for (const list of [deep, JSON.parse(deepText(300))]) {
      const r = await svc.call('POST', '/v1/runs', { flow, params: { list } });
      expect(r.status, r.text.slice(0, 300)).toBeGreaterThanOrEqual(400);
      expect(r.status).toBeLessThan(500);
      expect(r.text).toContain('params.list');
      expect(r.text).toContain('nested more than 256 levels deep');
    }
    expect((await svc.call('GET', '/v1/runs')).body.runs.length).toBe(before);
  });
});
