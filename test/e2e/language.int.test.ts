/**
 * The Argo-grade constructs of the flow language (docs/flow-language.md, issue 12) through
 * real runs at both levels: each flow runs as the run's root (macro: coordinator, BullMQ,
 * a worker, processes) and as the inside of a pod (micro: the same flow driven by the
 * quarterback in the pod's process), and is checked by what its steps were given and did.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunView } from '../../src/run/run-view.ts';
import { startRunService, type RunTestService } from '../support/run-service.ts';

const PROGRAMS = fileURLToPath(new URL('../fixtures/programs/', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'strata-language-'));
const argv = (args: unknown[], extra: Record<string, unknown> = {}) => ({ image: 'node', command: [process.execPath, join(PROGRAMS, 'argv.mjs')], args, ...extra });

let svc: RunTestService;
beforeAll(async () => {
  svc = await startRunService({ STRATA_WORKER_CONCURRENCY: '4' });
});
afterAll(async () => svc?.close());

type Level = { name: string; prefix: string; wrap: (root: unknown) => unknown };
const LEVELS: Level[] = [
  { name: 'macro', prefix: '', wrap: (root) => root },
  { name: 'inside a pod', prefix: 'p/', wrap: (root) => ({ id: 'p', pod: { flow: root } }) },
];

/** Run `root` (with `params`) at a level; the run's steps keyed by their id inside the level. */
async function runAt(level: Level, root: unknown, params: Record<string, unknown> = {}): Promise<{ run: RunView; steps: RunView['steps'] }> {
  const flow = { apiVersion: 'strata/v1', kind: 'Flow', metadata: { name: 'lang', version: '1' }, spec: { params, root: level.wrap(root) } };
  const r = await svc.call('POST', '/v1/runs', { flow });
  expect(r.status, r.text).toBe(202);
  const run = await svc.waitRun(r.body.runId, 30_000);
  const steps = Object.fromEntries(Object.entries(run.steps).filter(([id]) => id.startsWith(level.prefix)).map(([id, s]) => [id.slice(level.prefix.length), s]));
  return { run, steps };
}

describe.each(LEVELS)('substitution ($name)', (level) => {
  it('puts params, items, results and the attempt into image, argv, env and workingDir, each argument whole', async () => {
    const root = {
      sequence: [
        { id: 'count', task: { image: 'alpine', command: ['sh', '-c', 'echo \'{"n": 3}\' > "$STRATA_OUTPUTS/result.json"'] } },
        {
          id: 'fan',
          fanOut: {
            over: [{ name: 'a b; echo pwned', k: 1 }, { name: '$(id)', k: 2 }],
            as: 'part',
            do: { task: argv(['--name={{ part.name }}', '{{ part }}', '{{ steps["../count"].result.n }}', '{{ params.tool }}', 'try {{ attempt }}'], { env: { ARGV_ENV: 'TOOL,K', TOOL: '{{ params.tool }}', K: '{{ part.k }}' }, workingDir: '{{ params.dir }}' }) },
          },
        },
        { id: 'echo', task: { image: 'strata/{{ params.op }}' } },
      ],
    };
    const { run, steps } = await runAt(level, root, { tool: 'conv', dir, op: 'echo' });
    expect(run.status, JSON.stringify(run.steps)).toBe('succeeded');
    expect(steps['fan/0'].result).toEqual({ argv: ['--name=a b; echo pwned', '{"name":"a b; echo pwned","k":1}', '3', 'conv', 'try 1'], cwd: dir, attempt: 1, env: { TOOL: 'conv', K: '1' } });
    expect((steps['fan/1'].result as { argv: string[] }).argv[0]).toBe('--name=$(id)');
    // The image was resolved too: strata/echo ran (its result names its step).
    expect(steps.echo.result).toMatchObject({ step: `${level.prefix}echo` });
  });

  it('fails a step whose reference has no value, saying which', async () => {
    const root = { sequence: [{ id: 'a', when: false, task: argv([]) }, { id: 'b', task: argv(['{{ steps["./a"].result }}']) }] };
    const { run, steps } = await runAt(level, root);
    expect(run.status).toBe('failed');
    expect(steps.b).toMatchObject({ status: 'failed', error: `args[0]: {{ steps["./a"].result }} is null: step ${level.prefix}a has not succeeded (it is skipped)` });
  });
});

describe('substitution refused at plan time', () => {
  it('a reference that cannot resolve refuses the run, nothing started', async () => {
    const flow = { apiVersion: 'strata/v1', kind: 'Flow', metadata: { name: 'lang', version: '1' }, spec: { root: { task: argv(['{{ params.nope }}', '{{ steps.x.result }}']) } } };
    const r = await svc.call('POST', '/v1/runs', { flow });
    expect(r.status).toBe(400);
    expect(r.text).toContain('spec.root.task.args[0]: {{ params.nope }}: param \\"nope\\" is not declared in spec.params');
    expect(r.text).toContain('spec.root.task.args[1]: {{ steps.x.result }}: no step \\"x\\"');
  });
});

describe.each(LEVELS)('standard output as the result ($name)', (level) => {
  it('trimmed, JSON when it parses, a string otherwise; a fan-out goes over a list it printed', async () => {
    const root = {
      sequence: [
        { id: 'gen', task: { image: 'alpine', command: ['sh', '-c', 'echo "  [\\"x\\", \\"y z\\"]"; echo'], result: 'stdout' } },
        { id: 'fan', fanOut: { over: { result: './gen' }, do: { task: { image: 'alpine', command: ['sh', '-c', 'printf "  %s!  \\n" "$1"', 'sh', '{{ item }}'], result: 'stdout' } } } },
        { id: 'n', task: { image: 'alpine', command: ['sh', '-c', 'echo 42; echo \'{"ignored": true}\' > "$STRATA_OUTPUTS/result.json"'], result: 'stdout' } },
        { id: 'big', task: { image: 'alpine', command: ['sh', '-c', 'head -c 300000 /dev/zero | tr "\\0" x'], result: 'stdout' } },
      ],
    };
    const { run, steps } = await runAt(level, root);
    expect(run.status, JSON.stringify(run.steps)).toBe('succeeded');
    expect(steps.gen.result).toEqual(['x', 'y z']);
    expect(steps.fan.result).toEqual(['x!', 'y z!']);
    expect(steps.n.result).toBe(42);
    expect(steps.big.result).toBe('x'.repeat(256 * 1024));
    const logs = await svc.call('GET', `/v1/runs/${run.id}/steps/${encodeURIComponent(`${level.prefix}big`)}/logs`);
    expect(logs.text).toContain('the standard output is longer than 262144 bytes');
  });
});
