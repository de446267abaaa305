/**
 * What is checked before anything is stored, through the `strata` CLI as processes and real
 * HTTP: an Argo Workflow's required parameters (as argo submit refuses them), an apply
 * whose later document is refused (nothing registered, Argo or native), and templateRef
 * resolving to WorkflowTemplates only.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runStrata } from '../support/processes.ts';
import { strataHere } from '../support/strata-here.ts';
import { cliEnv, useRunService } from '../support/use-run-service.ts';
import { argoFixtures } from '../support/documents.ts';

const FAULTS = argoFixtures('faults').dir;

const svc = useRunService();
const env = cliEnv(svc);

const flowNames = async (): Promise<string[]> => ((await svc.call('GET', '/v1/flows')).body.flows as Array<{ name: string }>).map((f) => f.name);

describe('a required Argo workflow parameter', () => {
  const file = join(FAULTS, 'required-param.yaml');

  it('is refused, named, by POST /v1/runs (400), strata runs submit, strata apply and strata plan (exit 2), storing nothing', async () => {
    const before = await flowNames();
    const r = await svc.call('POST', '/v1/runs', readFileSync(file, 'utf8'));
    expect(r.status).toBe(400);
    expect(r.body.error.message).toContain('"side"');
    expect(r.body.error.message).not.toContain('"greeting"');
    for (const args of [['runs', 'submit', file], ['apply', file], ['plan', file]]) {
      const p = await runStrata(args, env);
      expect(p.code, args.join(' ')).toBe(2);
      expect(p.stderr).toContain('"side"');
      expect(p.stderr).not.toMatch(/\n\s+at /);
    }
    expect(await flowNames()).toEqual(before);
    expect((await svc.call('GET', '/v1/runs')).body.runs.filter((x: { flow: string }) => x.flow.startsWith('required-param'))).toEqual([]);
  });

  it('runs when given with -p', async () => {
    const p = await runStrata(['runs', 'submit', file, '-p', 'side=heads'], env);
    expect(p.code, p.stderr).toBe(0);
    const run = await svc.waitRun(/run (\S+) submitted/.exec(p.stdout)![1], 60_000);
    expect(run.steps.main.result).toBe('hello heads');
    expect((await runStrata(['plan', file, '-p', 'side=tails', '--dry-run'], env)).code).toBe(0);
  });
});

describe('strata apply registers nothing when any document is refused', () => {
  it('an Argo Workflow with a recursive template and a refused loop: its unit is not registered', async () => {
    const p = await runStrata(['apply', join(FAULTS, 'half-refused.yaml')], env);
    expect(p.code).toBe(2);
    expect(p.stderr).toContain('step big: withSequence gives 100000000 items, more than the 100000 one sequence may give');
    expect((await flowNames()).filter((n) => n.startsWith('half-refused'))).toEqual([]);
  });

  it('native Flows: the first is not registered when the second uses a unit that does not exist', async () => {
    const p = await runStrata(['apply', join(FAULTS, 'native-half.yaml')], env);
    expect(p.code).toBe(2);
    expect(p.stderr).toContain('no-such-unit@1');
    expect((await flowNames()).filter((n) => n.startsWith('half-'))).toEqual([]);
  });
});

describe('templateRef', () => {
  it('resolves to WorkflowTemplates only: a plain Workflow\'s recursive template is announced as its own, and no templateRef names it', async () => {
    const first = await runStrata(['apply', join(FAULTS, 'countdown-workflow.yaml')], env);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toContain('(Argo Workflow countdown-: a template it calls recursively)');
    expect(first.stdout).not.toContain('WorkflowTemplate');
    // Twice, as two Workflows of the same generateName would: still no ambiguity, and no target.
    const edited = readFileSync(join(FAULTS, 'countdown-workflow.yaml'), 'utf8').replace('value: "1"', 'value: "2"');
    expect((await svc.call('POST', '/v1/runs', edited)).status).toBe(202);
    const ref = await runStrata(['apply', join(FAULTS, 'ref-to-workflow.yaml')], env);
    expect(ref.code).toBe(2);
    expect(ref.stderr).toContain('no WorkflowTemplate countdown with template countdown is given or registered');
  });
});

describe('workflowTemplateRef and templateRef', () => {
  /** Refused by POST /v1/runs and by `strata apply` (a process when `asProcess`, else in this process: strata-here.ts). */
  const refused = async (file: string, message: string, asProcess = false): Promise<void> => {
    const r = await svc.call('POST', '/v1/runs', readFileSync(join(FAULTS, file), 'utf8'));
    expect(r.status, file).toBe(400);
    expect(r.body.error.message).toContain(message);
    const p = await (asProcess ? runStrata : strataHere)(['apply', join(FAULTS, file)], env);
    expect(p.code, file).toBe(2);
    expect(p.stderr).toContain(message);
  };

  it('resolve to registered WorkflowTemplates only: never to a native Flow, a template\'s unit or a Workflow\'s recursive unit', async () => {
    // One apply of the three files, as three applies registered them.
    const p = await runStrata(['apply', ...['native-greeting.yaml', 'wft-greetings.yaml', 'countdown-workflow.yaml'].map((f) => join(FAULTS, f))], env);
    expect(p.code, p.stderr).toBe(0);
    const runsBefore = (await svc.call('GET', '/v1/runs')).body.runs.length;
    await refused('wftref-to-native.yaml', 'no WorkflowTemplate plain-greeting is given or registered', true);
    await refused('tref-to-native.yaml', 'no WorkflowTemplate plain with template greet is given or registered');
    await refused('wftref-to-unit.yaml', 'no WorkflowTemplate wft-greetings.greet is given or registered');
    await refused('wftref-to-recursive.yaml', 'no WorkflowTemplate countdown.countdown is given or registered');
    expect((await svc.call('GET', '/v1/runs')).body.runs.length).toBe(runsBefore);
    // The registered WorkflowTemplate itself is found, from another file.
    const ok = await runStrata(['runs', 'submit', join(FAULTS, 'wftref-registered.yaml')], env);
    expect(ok.code, ok.stderr).toBe(0);
    const run = await svc.waitRun(/run (\S+) submitted/.exec(ok.stdout)![1], 60_000);
    expect(run.steps.main.result).toBe('hello by-reference');
  }, 180_000);
});

describe('documents nested 5,000 deep', () => {
  it('are refused at the nesting limit, once, over HTTP (Argo and native, runs and flows) and in the CLI', async () => {
    for (const [route, file] of [['/v1/runs', 'nest-5000.yaml'], ['/v1/flows', 'nest-5000-native.yaml'], ['/v1/runs', 'nest-5000-native.yaml']]) {
      const r = await svc.call('POST', route, readFileSync(join(FAULTS, file), 'utf8'));
      expect(r.status, `${route} ${file}`).toBe(413);
      const text = JSON.stringify(r.body);
      expect(text).toContain('nested more than 256 levels deep');
      expect(text).not.toContain('call stack');
      expect(r.body.error.message.split('nested more than').length).toBe(2);
    }
    for (const args of [['import', 'argo', join(FAULTS, 'nest-5000.yaml')], ['apply', join(FAULTS, 'nest-5000.yaml')], ['plan', join(FAULTS, 'nest-5000-native.yaml')]]) {
      const p = await runStrata(args, env);
      expect(p.code, args.join(' ')).not.toBe(0);
      expect(p.stderr).toContain('nested more than 256 levels deep');
      expect(p.stderr).not.toContain('call stack');
    }
  });
});

describe('strata import argo', () => {
  it('exits 2 where plan does (a loop of 100 million items), naming the Argo step', async () => {
    const p = await runStrata(['import', 'argo', join(FAULTS, 'huge-sequence.yaml')], env);
    expect(p.code).toBe(2);
    // Refused at import, naming the range's limit (Argo tester fault 20), as plan refuses it.
    expect(p.stderr).toContain('template main, step a: withSequence gives 100000000 items, more than the 100000 one sequence may give');
    expect(p.stdout).toBe('');
  });
});
