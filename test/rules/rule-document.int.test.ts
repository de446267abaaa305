/**
 * A Rule's generator parameters (`emit.with`) are checked when the rule is registered, as
 * its generator will read them: a key the generator does not take and a value written
 * as it is (no json-logic in it) that the generator refuses are refused there, each named,
 * and nothing is stored (tester 15: such a rule was stored, 201, and then refused every
 * Dataset it matched, 400 from POST /v1/datasets, and a misspelt key was silently
 * ignored). Values holding json-logic are evaluated per Dataset and checked then.
 * HTTP, `strata apply` and `strata plan` as real processes.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runStrata } from '../support/processes.ts';
import { useTempDirs } from '../support/temp-dirs.ts';
import { cliEnv, useRunService } from '../support/use-run-service.ts';

const svc = useRunService();
const tempDir = useTempDirs('strata-rule-params-');

const rule = (name: string, generator: string, withParams: unknown) => ({
  apiVersion: 'strata/v1', kind: 'Rule', metadata: { name }, spec: { priority: 5, when: true, emit: { generator, with: withParams } },
});

const refused: Array<{ name: string; generator: string; with: unknown; problem: { path: string; message: RegExp } }> = [
  { name: 'ops-not-a-list', generator: 'pipeline', with: { operations: 'x' }, problem: { path: 'spec.emit.with.operations', message: /array|list/i } },
  { name: 'misspelt', generator: 'hierarchy', with: { travesal: 'bfs' }, problem: { path: 'spec.emit.with.travesal', message: /unknown parameter "travesal" of generator hierarchy \(did you mean "traversal"\?\)/ } },
  { name: 'zero-threshold', generator: 'hierarchy', with: { placement: 'subtree-per-pod', threshold: 0 }, problem: { path: 'spec.emit.with.threshold', message: /1/ } },
  { name: 'word-window', generator: 'stream', with: { stages: [{ image: 'strata/echo' }], window: { size: 'big' } }, problem: { path: 'spec.emit.with.window.size', message: /number/i } },
  { name: 'bad-traversal', generator: 'hierarchy', with: { traversal: 'sideways' }, problem: { path: 'spec.emit.with.traversal', message: /dfs/ } },
];

describe('a rule\'s generator parameters', () => {
  it('are refused over HTTP when the generator would refuse them, each named, and nothing is stored', async () => {
    for (const c of refused) {
      const r = await svc.call('POST', '/v1/rules', rule(c.name, c.generator, c.with));
      expect(r.status, c.name).toBe(400);
      expect(r.body.error.details.problems, c.name).toEqual([{ path: c.problem.path, message: expect.stringMatching(c.problem.message) }]);
      expect((await svc.call('GET', `/v1/rules/${c.name}`)).status, c.name).toBe(404);
    }
    // A Dataset is still planned by the rules in force.
    const ds = await svc.call('POST', '/v1/datasets?dryRun=true', { apiVersion: 'strata/v1', kind: 'Dataset', metadata: { name: 'after-refusals' }, spec: { shape: 'table' } });
    expect(ds.status).toBe(200);
    expect(ds.body.matchedRules).toEqual(['builtin-fallback']);
  });

  it('are taken when they are right or hold json-logic evaluated per Dataset', async () => {
    const fine = [
      rule('fine-literal', 'hierarchy', { traversal: 'bfs', placement: 'subtree-per-pod', threshold: 4, operations: { default: { image: 'strata/echo' } } }),
      rule('fine-logic', 'pipeline', { operations: { var: 'spec.attributes.ops' } }),
      rule('fine-nested-logic', 'stream', { stages: [{ image: 'strata/echo' }], window: { size: { var: 'spec.attributes.size' } } }),
    ];
    for (const r of fine) expect((await svc.call('POST', '/v1/rules', r)).status, r.metadata.name).toBe(201);
    for (const r of fine) expect((await svc.call('DELETE', `/v1/rules/${r.metadata.name}`)).status).toBe(200);
  });

  it('are refused by strata apply and strata plan, exit 2, naming the file and the parameter, nothing stored', async () => {
    const dir = tempDir();
    const file = join(dir, 'rule.json');
    writeFileSync(file, JSON.stringify(rule('cli-misspelt', 'hierarchy', { travesal: 'bfs' })));
    const applied = await runStrata(['apply', file], cliEnv(svc));
    expect(applied.code).toBe(2);
    expect(applied.stderr).toMatch(/spec\.emit\.with\.travesal: unknown parameter "travesal" of generator hierarchy/);
    expect((await svc.call('GET', '/v1/rules/cli-misspelt')).status).toBe(404);
    const ds = join(dir, 'ds.json');
    writeFileSync(ds, JSON.stringify({ apiVersion: 'strata/v1', kind: 'Dataset', metadata: { name: 'd' }, spec: { shape: 'tree', root: { id: 'a' } } }));
    const planned = await runStrata(['plan', ds, file]);
    expect(planned.code).toBe(2);
    expect(planned.stderr).toMatch(/spec\.emit\.with\.travesal: unknown parameter "travesal" of generator hierarchy/);
  });
});
