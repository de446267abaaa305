/**
 * A step's output read as JSON at the run, holding a key given twice: a withParam (or a
 * fanOut over `fromJson`), a `jsonpath()` of it, and a loop's aggregated result and output
 * parameters. Go's encoding/json, which Argo reads them with, keeps the last value, and so
 * did strata, while the same JSON in a step's result.json fails the step (tester 17). Now
 * every such read fails the step that reads it, naming the step (or the withParam) and the
 * key, at both levels; a text taken as JSON only when it writes back the same (a standard
 * output as a result) stays text, which loses nothing. Through the real stack: runs on the
 * local runtime through a real service, Argo documents as POST /v1/runs bodies.
 */
import { describe, expect, it } from 'vitest';
import { argoFixtures } from '../support/documents.ts';
import { LEVELS } from '../support/levels.ts';
import { runAtLevel } from '../support/level-runs.ts';
import { useRunService } from '../support/use-run-service.ts';

const { read } = argoFixtures('duplicate-keys');
const svc = useRunService();
const twice = (key: string, where: string) => `the key "${key}" is given twice in ${where}`;

describe('an Argo step\'s output with a key given twice, read as JSON', { timeout: 120_000 }, () => {
  it('fails the withParam loop, naming the withParam and the key: no item runs with the last value', async () => {
    const run = await svc.runToEnd(read('withparam.yaml'));
    expect(run.status).toBe('failed');
    expect(run.steps.gen.status).toBe('succeeded');
    expect(run.steps.each.status).toBe('failed');
    expect(run.steps.each.error).toContain('template main, step each, withParam "{{steps.gen.outputs.result}}": ');
    expect(run.steps.each.error).toContain(`$[0].a: ${twice('a', '$[0]')}`);
    expect(run.steps['each/0']).toBeUndefined();
  });

  it('fails the step whose jsonpath() reads it, naming the key', async () => {
    const run = await svc.runToEnd(read('jsonpath.yaml'));
    expect(run.status).toBe('failed');
    expect(run.steps.read.status).toBe('failed');
    expect(run.steps.read.error).toContain(`$.a: ${twice('a', '$')}`);
    expect(run.steps.read.result ?? null).toBeNull();
  });

  it('fails the loop whose items\' results, or an output parameter, hold it, naming the item and the key', async () => {
    const result = await svc.runToEnd(read('loop-result.yaml'));
    expect(result.status).toBe('failed');
    expect(result.steps['each/0'].status).toBe('succeeded');
    expect(result.steps.each.status).toBe('failed');
    // Either item may end first: the first to end is named.
    expect(result.steps.each.error).toMatch(/^the result of each\/[01]: /);
    expect(result.steps.each.error).toContain(`$.k: ${twice('k', '$')}`);
    const parameter = await svc.runToEnd(read('loop-parameter.yaml'));
    expect(parameter.status).toBe('failed');
    expect(parameter.steps.each.status).toBe('failed');
    expect(parameter.steps.each.error).toMatch(/^output parameter out of each\/0: /);
    expect(parameter.steps.each.error).toContain(`$.k: ${twice('k', '$')}`);
  });
});

describe.each(LEVELS)('a strata step\'s output with a key given twice, read as JSON ($name)', (level) => {
  const print = (text: string) => ({ image: 'alpine', command: ['echo', text], result: 'stdout' });
  const after = { id: 'after', task: { image: 'alpine', command: ['true'] } };

  it('fails a fanOut over fromJson of it, and a when reading it with jsonpath, naming the step and the key; kept as text it is the text written', { timeout: 60_000 }, async () => {
    const gen = { id: 'gen', task: print('[{"a": 1, "a": 2}]') };
    const cases: Array<[unknown, string, string]> = [
      [{ id: 'each', fanOut: { over: { fromJson: [{ result: './gen' }, 'list'] }, do: { task: print('{{ item.a }}') } } }, 'each, fanOut.over: ', `$[0].a: ${twice('a', '$[0]')}`],
      [{ id: 'each', when: { '==': [{ jsonpath: [{ result: './gen' }, '$[0].a'] }, 2] }, task: print('ran') }, 'each, when: ', `$[0].a: ${twice('a', '$[0]')}`],
    ];
    for (const [node, place, said] of cases) {
      const { run, steps } = await runAtLevel(svc, level, { sequence: [gen, node, after] });
      expect(steps.gen.status).toBe('succeeded');
      // A standard output kept as a result is the text written: nothing of it is lost.
      expect(steps.gen.result).toBe('[{"a": 1, "a": 2}]');
      expect(steps.each?.status, JSON.stringify(run.steps)).toBe('failed');
      expect(steps.each.error).toContain(`${level.prefix}${place}`);
      expect(steps.each.error).toContain(said);
      expect(steps.after.status).toBe('skipped');
      expect(run.status).toBe('failed');
    }
  });

  it('fails a fanOut whose items\' results hold it, naming the item and the key', { timeout: 60_000 }, async () => {
    const { run, steps } = await runAtLevel(svc, level, { sequence: [{ id: 'each', fanOut: { over: [1, 2], do: { task: print('{"k": 1, "k": 2}') } } }, after] });
    expect(steps['each/0'].status).toBe('succeeded');
    expect(steps.each.status, JSON.stringify(run.steps)).toBe('failed');
    expect(steps.each.error).toMatch(new RegExp(`^the result of ${level.prefix}each/[01]: `));
    expect(steps.each.error).toContain(`$.k: ${twice('k', '$')}`);
    expect(steps.after.status).toBe('skipped');
  });
});
