/**
 * Numbers that keep their JSON text (ExactNumber, since argo-tester-3 N10: `1.50`, `1e2`,
 * `10.0`, `0.0` read from a withParam or fromJson list) are numbers to every operation that
 * meets them: expr-lang's operators and functions of Argo's `{{= }}`, both forms of `when`,
 * and json-logic's own operators (equality, `in`, truthiness, arithmetic, `int`), at both
 * levels; substitution, `cat`, `string()` and `format %s` keep their text. Through the real
 * stack: documents sent as they are to `POST /v1/runs`, run on the local runtime with real
 * HTTP, Redis, BullMQ and processes, checked by what the steps printed and which ran.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { RunView } from '../../src/run/run-view.ts';
import { loopItemIds } from '../support/loop-items.ts';
import { runStrata } from '../support/processes.ts';
import { cliEnv, useRunService } from '../support/use-run-service.ts';
import { argoFixtures } from '../support/documents.ts';

const svc = useRunService();
const env = cliEnv(svc);
const { dir: DIR, read } = argoFixtures('exact-numbers');

/** Item step id -> [status, result], for the items of loop `name` (`name/0`, `name/1`, ...). */
const items = (r: RunView, name: string): Array<[string, unknown]> => loopItemIds(r, name).map((k) => [r.steps[k].status, r.steps[k].result]);

describe('Argo expressions over loop items whose numbers keep their text', () => {
  it('{{= }} reads item fields as their text (1.50, 1e2, 10.0), computing through asFloat/asInt as Argo (Q3); string() and substitution keep the text; both when forms decide on them', async () => {
    const r = await svc.runToEnd(read('expr-items.yaml'));
    expect(r.status, JSON.stringify(r.steps)).toBe('succeeded');
    expect(items(r, 'calc')).toEqual([
      ['succeeded', '2.5 3 -1.5 1 100 1.50 1 3'],
      ['succeeded', '1.5 1 -0.5 0 2 0.50 0 0.25'],
    ]);
    expect(items(r, 'cmp')).toEqual([
      ['succeeded', 'true true true true true true false big'],
      ['succeeded', 'false true false false true false false small'],
    ]);
    expect(items(r, 'expr-when')).toEqual([['succeeded', 'ran 1.50'], ['skipped', null]]);
    expect(items(r, 'gov-when')).toEqual([['succeeded', 'ran 1.50'], ['skipped', null]]);
    // A quoted tag is text in govaluate: '1.50' is not '1.5', as in Argo.
    expect(items(r, 'gov-quoted')).toEqual([['skipped', null], ['skipped', null]]);
    expect(items(r, 'gov-quoted-text')).toEqual([['succeeded', 'ran 1.50'], ['skipped', null]]);
  });
});

describe('json-logic over items whose numbers keep their text, at both levels', () => {
  it('equality, in, truthiness, arithmetic and int see the number; cat and format %s write the text', async () => {
    const r = await svc.runToEnd({ flow: parse(read('json-logic-items.yaml')) });
    expect(r.status, JSON.stringify(r.steps)).toBe('succeeded');
    expect(items(r, 'each')).toEqual([
      ['succeeded', 'true true true true true z-false v1.50 1.50|1.5 101.5 1 2.5'],
      ['succeeded', 'false true true false false z-true v0.50 0.50|0.5 2.5 0 1.5'],
    ]);
    expect(items(r, 'guarded')).toEqual([['skipped', null], ['succeeded', 'ran 1.50'], ['skipped', null]]);
    expect(items(r, 'pod/each')).toEqual([['succeeded', 'true true v2.50 5']]);
    expect(items(r, 'pod/guarded')).toEqual([['skipped', null], ['succeeded', 'ran 1.50']]);
  });
});

describe('literal withItems numbers as Argo keeps them (N10 rests)', () => {
  const expected = ['[1.50]', '[1e2]', '[10.0]', '[12345678901234567890]', '[{"id":12345678901234567891,"p":9.90}]', [7], '[1.50]'];

  it('a JSON document keeps every item\'s JSON text, over HTTP (application/json) as it is', async () => {
    const r0 = await svc.call('POST', '/v1/runs', read('json-items.json'), { 'content-type': 'application/json' });
    expect(r0.status, r0.text).toBe(202);
    const r = await svc.waitRun(r0.body.runId);
    expect(r.status, JSON.stringify(r.steps)).toBe('succeeded');
    expect(items(r, 'lit').map(([, result]) => result)).toEqual(expected);
    expect(items(r, 'fields')).toEqual([['succeeded', '9.90 12345678901234567890']]);
  });

  it('a JSON document through strata runs submit: the same', async () => {
    const out = await runStrata(['runs', 'submit', join(DIR, 'json-items.json')], env);
    expect(out.code, out.stdout + out.stderr).toBe(0);
    const runId = /run (\S+) submitted/.exec(out.stdout)?.[1];
    expect(runId, out.stdout).toBeDefined();
    const r = await svc.waitRun(runId!);
    expect(items(r, 'lit').map(([, result]) => result)).toEqual(expected);
  });
});
