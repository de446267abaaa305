/**
 * A WorkflowTemplate's parameters when it is run whole (Argo tester 7, R3 and R4), through
 * the `strata` CLI as processes and real HTTP on a real strata: an entry template's input
 * without a value is stored (Argo requires it only when a run starts), and a run of the
 * WorkflowTemplate whole (`runs submit --from`, a Workflow's `workflowTemplateRef`, POST
 * /v1/runs with such a body or `{ use }`) missing a required parameter is refused before
 * anything is stored, naming it, as a plain Workflow is.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import { runStrata } from '../support/processes.ts';
import { cliEnv, useRunService } from '../support/use-run-service.ts';
import { argoFixtures } from '../support/documents.ts';

const DIR = argoFixtures('wft-params').dir;
const file = (n: string) => join(DIR, n);
const text = (n: string) => readFileSync(file(n), 'utf8');

const svc = useRunService();
const env = cliEnv(svc);

const runIds = async (): Promise<string[]> => ((await svc.call('GET', '/v1/runs')).body.runs as Array<{ id: string }>).map((r) => r.id).sort();
const flowRefs = async (): Promise<string[]> => {
  const flows = (await svc.call('GET', '/v1/flows')).body.flows as Array<{ name: string; versions?: string[] }>;
  return flows.map((f) => `${f.name}:${JSON.stringify(f.versions ?? [])}`).sort();
};

/** Runs and flows before `act`, which must leave both as they were. */
async function storesNothing(act: () => Promise<void>): Promise<void> {
  const runs = await runIds();
  const flows = await flowRefs();
  await act();
  expect(await runIds()).toEqual(runs);
  expect(await flowRefs()).toEqual(flows);
}

describe('R3: a WorkflowTemplate whose entry input has no value', () => {
  it('is applied, and runs with the value given by -p (runs submit --from) or by a Workflow\'s arguments (workflowTemplateRef, CLI and HTTP)', async () => {
    const applied = await runStrata(['apply', file('print-message.yaml')], env);
    expect(applied.code, applied.stderr).toBe(0);
    expect(applied.stdout).toContain('flow wp-print@');

    const from = await runStrata(['runs', 'submit', '--from', 'workflowtemplate/wp-print', '-p', 'text=hi'], env);
    expect(from.code, from.stderr).toBe(0);
    const r1 = await svc.waitRun(/run (\S+) submitted/.exec(from.stdout)![1], 60_000);
    expect(r1.status).toBe('succeeded');
    expect(r1.steps.main.result).toBe('said: hi');

    const byRef = await runStrata(['runs', 'submit', file('print-message-ref.yaml')], env);
    expect(byRef.code, byRef.stderr).toBe(0);
    const r2 = await svc.waitRun(/run (\S+) submitted/.exec(byRef.stdout)![1], 60_000);
    expect(r2.steps.main.result).toBe('said: hello');

    const r3 = await svc.runToEnd(text('print-message-ref.yaml'));
    expect(r3.status).toBe('succeeded');
    expect(r3.steps.main.result).toBe('said: hello');

    // The WorkflowTemplate itself as the body, its input given beside it (argo submit --from -p).
    const r4 = await svc.runToEnd({ flow: parse(text('print-message.yaml')), params: { text: 'inline' } });
    expect(r4.steps.main.result).toBe('said: inline');
  }, 240_000);
});

describe('R4: a WorkflowTemplate run whole without a required parameter', () => {
  beforeAll(async () => {
    for (const f of ['print-message.yaml', 'required-argument.yaml']) {
      const p = await runStrata(['apply', file(f)], env);
      expect(p.code, p.stderr).toBe(0);
    }
  }, 60_000);

  it('is refused up front by runs submit --from and --use (exit 2), naming the parameter, with nothing stored', async () => {
    for (const [wt, name] of [['wp-print', 'text'], ['wp-required', 'region']]) {
      for (const how of [['--from', `workflowtemplate/${wt}`], ['--use', wt]]) {
        await storesNothing(async () => {
          const p = await runStrata(['runs', 'submit', ...how], env);
          expect(p.code, `${how.join(' ')}: ${p.stdout}`).toBe(2);
          expect(p.stderr).toContain(`"${name}"`);
          expect(p.stderr).toContain(`-p ${name}=`);
          expect(p.stderr).not.toMatch(/\n\s+at /);
        });
      }
    }
    // Given, it runs: the other parameter keeps its value.
    const ok = await runStrata(['runs', 'submit', '--from', 'workflowtemplate/wp-required', '-p', 'region=eu'], env);
    expect(ok.code, ok.stderr).toBe(0);
    const run = await svc.waitRun(/run (\S+) submitted/.exec(ok.stdout)![1], 60_000);
    expect(run.status).toBe('succeeded');
    expect(Object.values(run.steps).map((s) => s.result).filter((x) => x !== undefined)).toContain('eu/gold');
  }, 120_000);

  it('is refused up front through a Workflow\'s workflowTemplateRef: strata apply, runs submit (exit 2) and POST /v1/runs (400), with nothing stored', async () => {
    for (const [f, name] of [['print-message-ref-none.yaml', 'text'], ['required-argument-ref.yaml', 'region']]) {
      await storesNothing(async () => {
        for (const args of [['apply', file(f)], ['runs', 'submit', file(f)]]) {
          const p = await runStrata(args, env);
          expect(p.code, `${args.join(' ')}: ${p.stdout}`).toBe(2);
          expect(p.stderr).toContain(`"${name}"`);
          expect(p.stderr).not.toMatch(/\n\s+at /);
        }
        const r = await svc.call('POST', '/v1/runs', text(f));
        expect(r.status, JSON.stringify(r.body)).toBe(400);
        expect(r.body.error.message).toContain(`"${name}"`);
      });
    }
    // strata plan of the Workflow with its WorkflowTemplate in the files: refused alike; given with -p, planned.
    const plan = await runStrata(['plan', file('print-message.yaml'), file('print-message-ref-none.yaml')], env);
    expect(plan.code, plan.stdout).toBe(2);
    expect(plan.stderr).toContain('"text"');
    const planned = await runStrata(['plan', file('print-message.yaml'), file('print-message-ref-none.yaml'), '-p', 'text=x', '--dry-run'], env);
    expect(planned.code, planned.stderr).toBe(0);
  }, 120_000);

  it('is refused up front by POST /v1/runs with the WorkflowTemplate as the body, or { use } of its entry flow (400), with nothing stored', async () => {
    const flows = (await svc.call('GET', '/v1/flows/wp-required')).body as { latest?: string };
    for (const [body, name] of [[text('print-message.yaml'), 'text'], [text('required-argument.yaml'), 'region'], [{ use: `wp-required@${flows.latest}`, with: {} }, 'region']] as const) {
      await storesNothing(async () => {
        const r = await svc.call('POST', '/v1/runs', body);
        expect(r.status, JSON.stringify(r.body)).toBe(400);
        expect(r.body.error.message).toContain(`"${name}"`);
      });
    }
  }, 60_000);
});
