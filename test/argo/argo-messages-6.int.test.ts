/**
 * Argo tester 6's message findings (P9 rests, Q15, Q18): what strata says of an Argo
 * document is said in the document's terms (its template, step and field), never in the
 * names strata's flows use inside. Through the real stack: documents sent to POST /v1/runs
 * and the `strata` CLI as processes, runs on the local runtime.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runStrata } from '../support/processes.ts';
import { cliEnv, useRunService } from '../support/use-run-service.ts';
import { argoFixtures } from '../support/documents.ts';

const svc = useRunService({ STRATA_MAX_FANOUT_ITEMS: '5' });
const env = cliEnv(svc);
const { dir, read } = argoFixtures('tester-6/messages');

describe('a run-time limit or null in an Argo document', () => {
  it('a withParam list past STRATA_MAX_FANOUT_ITEMS names the withParam, not fanOut.over', async () => {
    const r = await svc.runToEnd(read('withparam-limit.yaml'));
    expect(r.status).toBe('failed');
    expect(r.steps.each.error).toBe('template main, step each, withParam "{{steps.gen.outputs.result}}" gave 8 items, more than the limit of 5 (STRATA_MAX_FANOUT_ITEMS)');
  });

  it('a container field whose expression gives null names the template, the field and the expression, not its json-logic', async () => {
    const r = await svc.runToEnd(read('null-field.yaml'));
    expect(r.status).toBe('failed');
    expect(r.steps.main.error).toContain(`template main, command[1]: expression "jsonpath(workflow.parameters.doc, '$.a')" gave null`);
    expect(r.steps.main.error).not.toContain('json-logic');
  });
});

describe('strata runs submit of a registered WorkflowTemplate (Q18)', () => {
  const wt = join(dir, 'wt-lib.yaml');

  it('--use NAME runs the version registered last, and --from workflowtemplate/NAME is the same; -p is text', async () => {
    const applied = await runStrata(['apply', wt], env);
    expect(applied.code, applied.stderr).toBe(0);
    for (const args of [['--use', 't6-msg-lib', '-p', 'count=007'], ['--from', 'workflowtemplate/t6-msg-lib', '-p', 'count=3']]) {
      const p = await runStrata(['runs', 'submit', ...args], env);
      expect(p.code, p.stderr).toBe(0);
      const run = await svc.waitRun(/run (\S+) submitted/.exec(p.stdout)![1], 60_000);
      expect(run.status, JSON.stringify(run.steps)).toBe('succeeded');
      expect(Object.values(run.steps).map((s) => s.result)).toContain(`count=${args[3].slice('count='.length)}`);
    }
  });

  it('a flow or version that is not registered is refused naming --use, not a document path', async () => {
    const missing = await runStrata(['runs', 'submit', '--use', 't6-no-such-lib'], env);
    expect(missing.code).toBe(4);
    expect(missing.stderr).toBe('strata: --use t6-no-such-lib: no flow "t6-no-such-lib" is registered (strata flows list shows them)\n');
    expect((await runStrata(['apply', wt], env)).code).toBe(0);
    const version = await runStrata(['runs', 'submit', '--use', 't6-msg-lib@v0'], env);
    expect(version.code).toBe(4);
    expect(version.stderr).toMatch(/^strata: --use t6-msg-lib@v0: flow "t6-msg-lib" has no version "v0" \(it has argo-[0-9a-f]{12}\)\n$/);
    const from = await runStrata(['runs', 'submit', '--from', 'workflow/t6-msg-lib'], env);
    expect(from.code).toBe(2);
    expect(from.stderr).toContain('--from workflow/t6-msg-lib: give workflowtemplate/NAME');
    for (const p of [missing, version, from]) expect(p.stderr).not.toContain('spec.root');
  });
});

describe('{{item.a.b}} (P6 rest)', () => {
  it('reads the key "a.b" of a map item, as Argo; a nested field is no key, and the step fails naming it', async () => {
    const r = await svc.runToEnd(read('item-dotted-key.yaml'));
    expect(r.steps['dotted/0'].result).toBe('a.b=1 a={"b":2}');
    expect(r.status).toBe('failed');
    expect(r.steps['nested/0'].error).toContain('{{ item["b.c"] }} is missing: the loop item {"b":{"c":1}} has no "b.c"');
  });
});

describe('Q15: what strata said in its parser\'s or JavaScript\'s words', () => {
  it('expr closures (filter, map) are refused naming them; a withSequence format past width 999 is refused at import (exit 2, HTTP 400)', async () => {
    const closures = await runStrata(['import', 'argo', join(dir, 'expr-closure.yaml')], env);
    expect(closures.code).toBe(2);
    expect(closures.stderr).toContain('template main, step b, arguments.parameters(m): expression "toJson(filter([1, 2, 3], {# > 1}))": closures ({# ...}) and the functions that take them (filter, map, all, any, none, one, count) are not supported');
    expect(closures.stderr).toContain('step c, arguments.parameters(m): expression "map([1, 2], {# * 2})": closures');
    expect(closures.stderr).not.toContain('Expected comma');
    const width = await svc.call('POST', '/v1/runs', read('seq-format-width.yaml'));
    expect(width.status).toBe(400);
    expect(width.body.error.message).toContain('template main, step a: withSequence.format: format "%200000000d": the width or precision of "%200000000d" is more than 999');
  });

  it('jsonpath over a result nested 2,500 deep fails its step naming the depth, not the call stack', async () => {
    const r = await svc.runToEnd(read('jsonpath-deep.yaml'));
    expect(r.steps.gen.status).toBe('succeeded');
    expect(r.steps.jp.status).toBe('failed');
    expect(r.steps.jp.error).toContain(`template main, step jp, arguments.parameters(m): expression "jsonpath(steps.gen.outputs.result, '$..x')": jsonpath "$..x": the value searched is JSON nested more than 256 levels deep`);
    expect(r.steps.jp.error).not.toContain('call stack');
  });
});
