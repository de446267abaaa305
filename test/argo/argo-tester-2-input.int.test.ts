/**
 * Argo tester 2, faults 8 and 12-14: how hostile or broken input is answered, through the
 * `strata` CLI as processes and real HTTP, for Argo documents and strata's own Flows alike:
 * nesting too deep for the YAML parser, every problem of a document at once, long names
 * echoed short, and control characters in parameters refused at submit.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runStrata } from '../support/processes.ts';
import { cliEnv, useRunService } from '../support/use-run-service.ts';

const FAULTS = join('test', 'fixtures', 'argo', 'faults-5');

const svc = useRunService();
const env = cliEnv(svc);

const noTrace = (text: string) => expect(text).not.toMatch(/\n\s+at |Maximum call stack/);
const flowNames = async (): Promise<string[]> => ((await svc.call('GET', '/v1/flows')).body.flows as Array<{ name: string }>).map((f) => f.name);

describe('block collections nested deeper than the YAML parser can go (fault 8)', () => {
  const files = [join(FAULTS, 'block-deep.yaml'), join('test', 'fixtures', 'flows', 'bad', 'block-deep.yaml')];

  it.each(files)('%s: every CLI command that reads it exits 2 naming the file and the limit', async (file) => {
    const commands = [['plan', file], ['apply', file], ['runs', 'submit', file], ...(file.includes('argo') ? [['import', 'argo', file]] : [])];
    for (const args of commands) {
      const p = await runStrata(args, env);
      expect(p.code, args.join(' ')).toBe(2);
      expect(p.stderr, args.join(' ')).toContain(`${file}: nested more than 256 levels deep (at line`);
      expect(p.stderr).toContain('STRATA_MAX_TEXT_NESTING');
      noTrace(p.stderr);
    }
    const lowered = await runStrata(['plan', file], { ...env, STRATA_MAX_TEXT_NESTING: '100' });
    expect(lowered.stderr).toContain(`${file}: nested more than 100 levels deep`);
  });

  it.each(files)('%s: POST /v1/runs and POST /v1/flows answer 413 naming the limit, storing nothing', async (file) => {
    const before = await flowNames();
    for (const path of ['/v1/runs', '/v1/flows']) {
      const r = await svc.call('POST', path, readFileSync(file, 'utf8'));
      expect(r.status, path).toBe(413);
      expect(r.body.error.message, path).toContain('nested more than 256 levels deep');
      noTrace(r.text);
    }
    expect(await flowNames()).toEqual(before);
  });
});

describe('every problem of an Argo document at once (fault 12)', () => {
  const file = join(FAULTS, 'every-problem.yaml');
  const expected = [
    ['spec.templates[0](main).container.bogusfield', 'unknown key "bogusfield"'],
    ['spec.bogus', 'unknown key "bogus"'],
    ['Workflow every-problem-', 'spec.entrypoint names no template ("nope")'],
  ];

  it('strata import argo, plan, apply and runs submit list the unknown keys and the bad entrypoint together (exit 2)', async () => {
    for (const args of [['import', 'argo', file], ['plan', file], ['apply', file], ['runs', 'submit', file]]) {
      const p = await runStrata(args, env);
      expect(p.code, args.join(' ')).toBe(2);
      for (const [path, message] of expected) expect(p.stderr, args.join(' ')).toContain(`${path}: ${message}`);
    }
  });

  it('POST /v1/runs answers 400 with the three problems in details.problems', async () => {
    const r = await svc.call('POST', '/v1/runs', readFileSync(file, 'utf8'));
    expect(r.status).toBe(400);
    const problems = (r.body.error.details.problems as Array<{ path: string; message: string }>).map((p) => [p.path.replace(/^body: /, ''), p.message]);
    for (const e of expected) expect(problems).toContainEqual(e);
  });
});

describe('names of 5,000 characters echoed shortened (fault 13)', () => {
  const argo = join(FAULTS, 'huge-names.yaml');
  const flow = join(FAULTS, 'huge-names.flow.json');
  const shortened = (c: string) => `${c.repeat(40)}…(5000 characters)`;

  it.each([
    [argo, ['import', 'argo'], ['a']],
    [argo, ['plan'], ['a']],
    [flow, ['plan'], ['n', 's']],
  ])('%s: strata %j says each problem with the names shortened', async (file, command, letters) => {
    const p = await runStrata([...command, file], env);
    expect(p.code).toBe(2);
    for (const c of letters) expect(p.stderr).toContain(shortened(c));
    expect(p.stderr).not.toContain('a'.repeat(100));
    expect(p.stderr).not.toContain('s'.repeat(100));
    expect(p.stderr.length).toBeLessThan(1500);
  });

  it.each([[argo, 'a', '/v1/runs'], [flow, 's', '/v1/flows']])('%s: POST answers 400 with the names shortened in the message and details', async (file, c, path) => {
    const r = await svc.call('POST', path, readFileSync(file, 'utf8'), { 'content-type': file.endsWith('.json') ? 'application/json' : 'application/yaml' });
    expect(r.status).toBe(400);
    expect(r.text).toContain(shortened(c));
    expect(r.text).not.toContain('a'.repeat(100));
    expect(r.text).not.toContain('s'.repeat(100));
    expect(r.text.length).toBeLessThan(3000);
  });
});

describe('a NUL character in a parameter, refused at submit (fault 14)', () => {
  const argo = join(FAULTS, 'nul-param.yaml');
  const native = { apiVersion: 'strata/v1', kind: 'Flow', metadata: { name: 'nul-native', version: '1' }, spec: { params: { msg: 'x' }, root: { task: { image: 'alpine', command: ['echo', '{{ params.msg }}'] } } } };
  const runsOf = async (prefix: string) => ((await svc.call('GET', '/v1/runs')).body.runs as Array<{ flow: string }>).filter((r) => r.flow.startsWith(prefix));

  it('strata runs submit and apply --run of an Argo Workflow whose argument holds one: exit 2 naming it, no run', async () => {
    for (const args of [['runs', 'submit', argo], ['apply', argo]]) {
      const p = await runStrata(args, env);
      expect(p.code, args.join(' ')).toBe(2);
      // Named in the Argo document's terms, not the imported flow's spec.params (Argo tester 3, N12).
      expect(p.stderr).toContain('Workflow nul-param-: spec.arguments.parameters(msg): holds a NUL character, which no argument or environment value can carry');
      expect(p.stderr).not.toContain('spec.params');
    }
    expect(await runsOf('nul-param')).toEqual([]);
  });

  it.each([
    ['a run\'s params', { flow: native, params: { msg: 'a\u0000b' } }, 'params.msg: holds a NUL character'],
    ['a flow\'s default, nested', { flow: { ...native, spec: { ...native.spec, params: { msg: { deep: ['ok', 'a\u0000'] } } } } }, 'flow.spec.params.msg.deep[1]: holds a NUL character'],
    ['a key', { flow: native, params: { 'k\u0000': 'v' } }, 'params: has a key holding a NUL character'],
  ])('POST /v1/runs with one in %s: 400 naming the parameter, no run', async (_what, body, message) => {
    const r = await svc.call('POST', '/v1/runs', body);
    expect(r.status).toBe(400);
    expect(r.body.error.message).toContain(message);
    expect(await runsOf('nul-native')).toEqual([]);
  });

  it('POST /v1/runs with an Argo Workflow whose argument holds one, and POST /v1/schedules with one in spec.with: 400 naming it', async () => {
    const r = await svc.call('POST', '/v1/runs', readFileSync(argo, 'utf8'));
    expect(r.status).toBe(400);
    expect(r.body.error.message).toContain('spec.arguments.parameters(msg): holds a NUL character');
    expect(r.body.error.message).not.toContain('spec.params');
    await svc.call('POST', '/v1/flows', native);
    const s = await svc.call('POST', '/v1/schedules', { apiVersion: 'strata/v1', kind: 'Schedule', metadata: { name: 'nul-schedule' }, spec: { schedule: '0 0 1 1 *', use: 'nul-native@1', with: { msg: 'a\u0000' } } });
    expect(s.status).toBe(400);
    expect(s.body.error.message).toContain('spec.with.msg: holds a NUL character');
    expect((await svc.call('GET', '/v1/schedules/nul-schedule')).status).toBe(404);
  });
});
