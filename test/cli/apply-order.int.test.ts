/**
 * `strata apply --run` registers everything in its files before it runs anything, runs the
 * main flow `strata plan` picks, and says which one (issue 8 item 4): real processes
 * against a running strata.
 */
import { writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runStrata } from '../support/processes.ts';
import { useTempDirs } from '../support/temp-dirs.ts';
import { useRunService } from '../support/use-run-service.ts';

const svc = useRunService();
const tempDir = useTempDirs('strata-apply-');

const strata = (...args: string[]) => runStrata(args, { STRATA_URL: svc.url });
const F = 'test/fixtures/apply';

describe('strata apply --run', () => {
  it('a Flow before the Rule its generate step needs: the rule is registered first, and it builds the nested flow', async () => {
    const out = await strata('apply', `${F}/flow-then-rule.yaml`, '--run', '--watch');
    expect(out.stderr).toBe('');
    expect(out.code).toBe(0);
    const lines = out.stdout.split('\n');
    expect(lines.indexOf('rule made-ds-rule created')).toBeLessThan(lines.findIndex((l) => l.startsWith('run ')));
    const runId = /run (\S+) started/.exec(out.stdout)![1];
    const run = (await svc.call('GET', `/v1/runs/${runId}`)).body;
    expect(run.steps['gen/mine']).toMatchObject({ status: 'succeeded', result: { by: 'made-ds-rule' } });
  });

  for (const file of ['main-first.yaml', 'lib-first.yaml']) {
    it(`${file}: registers the used flow first, runs the main flow (the one no other uses) and says so; plan picks the same`, async () => {
      const main = file === 'main-first.yaml' ? 'report@1' : 'report2@1';
      const lib = file === 'main-first.yaml' ? 'tidy@1' : 'tidy2@1';
      const out = await strata('apply', `${F}/${file}`, '--run', '--watch');
      expect(out.stderr).toBe('');
      expect(out.code).toBe(0);
      const lines = out.stdout.split('\n');
      expect(lines.slice(0, 3)).toEqual([`main flow ${main} (the first Flow no other Flow in the files uses)`, `flow ${lib} created`, `flow ${main} created`]);
      expect(out.stdout.match(/^run \S+ started for flow (\S+)$/gm)).toEqual([expect.stringContaining(`for flow ${main}`)]);
      const plan = await runStrata(['plan', `${F}/${file}`, '--dry-run']);
      expect(plan.code).toBe(0);
      expect(JSON.parse(plan.stdout).order).toEqual([['clean/dedupe'], ['publish']]);
      expect(plan.stderr).toBe(`strata: planning flow ${main} (the first Flow no other Flow in the files uses)\n`);
    });
  }

  it('a bad document anywhere in the files stores nothing', async () => {
    const dir = tempDir();
    writeFileSync(`${dir}/f.yaml`, 'apiVersion: strata/v1\nkind: Flow\nmetadata: { name: fine, version: "1" }\nspec: { root: { task: { image: x } } }\n---\napiVersion: strata/v1\nkind: Rule\nmetadata: { name: broken }\nspec: { when: true, emit: { generator: nope } }\n');
    const out = await strata('apply', `${dir}/f.yaml`);
    expect(out.code).toBe(2);
    expect(out.stderr).toContain('spec.emit.generator: unknown generator "nope"');
    expect((await svc.call('GET', '/v1/flows/fine')).status).toBe(404);
  });

  it('a Rule, Schedule or Hook using a flow neither in the files nor registered stores nothing, each named with its file and document (tester 14: the flows before it were stored, and the refusal named neither)', async () => {
    const dir = tempDir();
    const flow = 'apiVersion: strata/v1\nkind: Flow\nmetadata: { name: fine-too, version: "1" }\nspec: { root: { task: { image: x } } }\n';
    const rule = 'apiVersion: strata/v1\nkind: Rule\nmetadata: { name: uses-nothing }\nspec: { when: true, emit: { sequence: [{ id: a, use: fine-too@1 }, { id: b, use: nosuch@1 }] } }\n';
    const schedule = 'apiVersion: strata/v1\nkind: Schedule\nmetadata: { name: uses-nothing }\nspec: { schedule: "0 3 * * *", use: nosuch@2 }\n';
    const hook = 'apiVersion: strata/v1\nkind: Hook\nmetadata: { name: uses-nothing }\nspec: { use: fine-too@1 }\n';
    writeFileSync(`${dir}/f.yaml`, [flow, rule, hook].join('---\n'));
    writeFileSync(`${dir}/g.yaml`, schedule);
    const out = await strata('apply', `${dir}/f.yaml`, `${dir}/g.yaml`);
    expect(out.stderr).toBe(`strata: ${dir}/f.yaml#1: spec.emit.sequence[1].use: no flow nosuch@1 is in the files or registered\n${dir}/g.yaml#0: spec.use: no flow nosuch@2 is in the files or registered\n`);
    expect(out.stdout).toBe('');
    expect(out.code).toBe(4);
    expect((await svc.call('GET', '/v1/flows/fine-too')).status).toBe(404);
    expect((await svc.call('GET', '/v1/hooks/uses-nothing')).status).toBe(404);
  });

  it('a refusal only the service makes names the file and document it refused (a Schedule whose tick would be refused)', async () => {
    const dir = tempDir();
    writeFileSync(`${dir}/s.yaml`, 'apiVersion: strata/v1\nkind: Schedule\nmetadata: { name: no-dataset }\nspec: { schedule: "0 3 * * *", dataset: { kind: Dataset } }\n');
    const out = await strata('apply', `${dir}/s.yaml`);
    expect(out.stderr).toMatch(new RegExp(`^strata: ${dir}/s\\.yaml#0: spec\\.dataset\\.apiVersion: `));
    expect(out.code).toBe(2);
  });
});
