/**
 * Tester 19: a `when` or `until` written as text (`when: "false"`, `"{{ params.go }}"`,
 * `"results.a == 1"`) was taken, and json-logic reads a text as itself, which is truthy: every
 * such step ran, every such cycle stopped after its first round. A guard is json-logic, so a
 * text, a list, an empty value or an object of several keys (all values json-logic gives back
 * as they are) is refused wherever a flow or a rule is validated, naming the field; a boolean,
 * a number and an operation are taken (docs/flow-language.md, Guards).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { runStrata } from '../support/processes.ts';
import { cliEnv, stepStatuses, useRunService } from '../support/use-run-service.ts';

const DIR = join(import.meta.dirname, '../fixtures/flows/guards');
const TEXT = join(DIR, 'text-guards.yaml');
const KEPT = join(DIR, 'kept-guards.yaml');
const svc = useRunService();

const PLACES = [
  ['spec.root.sequence[0].when', 'is text ("false")', 'write false'],
  ['spec.root.sequence[1].when', 'is text ("{{ params.go }}")', '{"var":"params.go"}'],
  ['spec.root.sequence[2].when', 'is text ("results.a == 1")', 'a guard is json-logic'],
  ['spec.root.sequence[3].cycle.until', 'is text ("{{ params.go }}")', '{"var":"params.go"}'],
];

function expectNamed(text: string): void {
  for (const [place, what, hint] of PLACES) {
    expect(text, place).toContain(`${place}: ${what}`);
    expect(text, place).toContain(hint);
  }
}

describe('a guard written as text', () => {
  it('is refused by strata plan, apply and runs submit (exit 2, each field named), nothing stored', async () => {
    const env = cliEnv(svc);
    const runsBefore = (await svc.call('GET', '/v1/runs?limit=1000')).body.runs.length;
    for (const args of [['plan', TEXT], ['plan', TEXT, '--dry-run'], ['apply', TEXT], ['runs', 'submit', TEXT]]) {
      const r = await runStrata(args, env);
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(2);
      expectNamed(r.stderr);
    }
    expect((await svc.call('GET', '/v1/flows/text-guards')).status).toBe(404);
    expect((await svc.call('GET', '/v1/runs?limit=1000')).body.runs.length).toBe(runsBefore);
  });

  it('is refused by POST /v1/flows and /v1/runs (400, each field named), and in a rule (its when, its emitted node)', async () => {
    const flow = parse(readFileSync(TEXT, 'utf8'));
    for (const [path, body] of [['/v1/flows', flow], ['/v1/runs', { flow }]] as const) {
      const r = await svc.call('POST', path, body);
      expect(r.status, r.text).toBe(400);
      expectNamed(r.body.error.message);
    }
    const rule = { apiVersion: 'strata/v1', kind: 'Rule', metadata: { name: 'text-when' }, spec: { when: '{{ spec.shape }}', emit: { id: 'x', when: 'false', task: { image: 'busybox', command: ['true'] } } } };
    const r = await svc.call('POST', '/v1/rules', rule);
    expect(r.status, r.text).toBe(400);
    expect(r.body.error.message).toContain('spec.when: is text ("{{ spec.shape }}")');
    expect(r.body.error.message).toContain('spec.emit.when: is text ("false")');
    expect((await svc.call('GET', '/v1/rules/text-when')).status).toBe(404);
    // A generator's cycle guard (stream's until) becomes a flow's until: refused as one.
    const gen = { apiVersion: 'strata/v1', kind: 'Rule', metadata: { name: 'text-until' }, spec: { when: true, emit: { generator: 'stream', with: { stages: [{ image: 'busybox', command: ['true'] }], until: '{{ last.done }}' } } } };
    const g = await svc.call('POST', '/v1/rules', gen);
    expect(g.status, g.text).toBe(400);
    expect(g.body.error.message).toContain('spec.emit.with.until: is text ("{{ last.done }}")');
    expect((await svc.call('GET', '/v1/rules/text-until')).status).toBe(404);
  });

  it('is refused as a list, an empty value or an object of several keys, each always or never holding', async () => {
    const rows: Array<[unknown, string]> = [
      [[{ var: 'params.go' }], 'is a list'],
      [null, 'is empty'],
      [{ var: 'params.go', '==': 1 }, 'is an object of 2 keys'],
      [{}, 'is an object of 0 keys'],
    ];
    for (const [when, why] of rows) {
      const flow = { apiVersion: 'strata/v1', kind: 'Flow', metadata: { name: 'odd-guard', version: '1' }, spec: { params: { go: false }, root: { sequence: [{ id: 'a', when, task: { image: 'busybox', command: ['true'] } }] } } };
      const r = await svc.call('POST', '/v1/flows', flow);
      expect(r.status, JSON.stringify(when)).toBe(400);
      expect(r.body.error.message).toContain(`spec.root.sequence[0].when: ${why}`);
    }
  });

  it('as json-logic (a boolean, a number, an operation) is taken and decides (runs submit --watch)', async () => {
    const r = await runStrata(['runs', 'submit', KEPT, '--watch'], cliEnv(svc));
    expect(r.code, r.stderr).toBe(0);
    const run = await svc.waitRun(/run (\S+) submitted/.exec(r.stdout)![1]);
    expect(run.status).toBe('succeeded');
    expect(stepStatuses(run, ['a', 'b', 'c'])).toEqual({ a: 'skipped', b: 'skipped', c: 'succeeded' });
    // until false after each round: both rounds ran.
    expect(stepStatuses(run, ['loop/r#0', 'loop/r#1', 'loop/r#2'])).toEqual({ 'loop/r#0': 'succeeded', 'loop/r#1': 'succeeded', 'loop/r#2': 'absent' });
  });
});
