/**
 * Argo tester 6, Q14: a chain of 1,000 templates, each calling the next, overflowed the
 * importer's stack (HTTP 500, CLI "internal error: Maximum call stack size exceeded"). Every
 * route refuses such a chain, and the same depth in native flows (nested graphs, a chain of
 * `use` units), with a clear error naming the chain and the limit: 4xx over HTTP, exit 2 in
 * the CLI, nothing stored. Through the real service (HTTP, Redis) and `strata` processes.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runStrata } from '../support/processes.ts';
import { cliEnv, useRunService } from '../support/use-run-service.ts';
import { argoFixtures } from '../support/documents.ts';

const CHAINS = argoFixtures('tester-6/chains').dir;
const CHAIN = 'templates nested more than 48 deep (t0 -> t1 -> t2 -> … -> t46 -> t47 -> t48), the limit (STRATA_MAX_FLOW_DEPTH)';

const svc = useRunService();
const env = cliEnv(svc);

const stored = async (): Promise<{ flows: string[]; runs: number }> => ({
  flows: ((await svc.call('GET', '/v1/flows')).body.flows as Array<{ name: string }>).map((f) => f.name).sort(),
  runs: ((await svc.call('GET', '/v1/runs')).body.runs as unknown[]).length,
});

const noCrash = (text: string): void => {
  expect(text).not.toContain('call stack');
  expect(text).not.toContain('internal');
  expect(text).not.toMatch(/\n\s+at /);
};

describe('a chain of 1,000 Argo templates, each calling the next', () => {
  it('is refused over HTTP (POST /v1/runs, 400), steps and DAG templates alike, naming the chain', async () => {
    const before = await stored();
    for (const file of ['steps-1000.yaml', 'dag-1000.yaml', 'template-1000.yaml']) {
      const r = await svc.call('POST', '/v1/runs', readFileSync(join(CHAINS, file), 'utf8'));
      expect(r.status, `${file}: ${r.text}`).toBe(400);
      expect(r.body.error.message).toContain(CHAIN);
      expect(r.body.error.message).toContain('template t47, ');
      noCrash(r.text);
    }
    expect(await stored()).toEqual(before);
  });

  it('is refused by strata import argo, plan, apply and runs submit (exit 2), storing nothing', async () => {
    const before = await stored();
    for (const args of [
      ['import', 'argo', join(CHAINS, 'steps-1000.yaml')],
      ['plan', join(CHAINS, 'dag-1000.yaml'), '--dry-run'],
      ['apply', join(CHAINS, 'template-1000.yaml')],
      ['apply', join(CHAINS, 'steps-1000.yaml')],
      ['runs', 'submit', join(CHAINS, 'dag-1000.yaml')],
      ['runs', 'submit', join(CHAINS, 'template-1000.yaml')],
    ]) {
      const p = await runStrata(args, env);
      expect(p.code, `${args.join(' ')}: ${p.stderr}`).toBe(2);
      expect(p.stderr).toContain(CHAIN);
      noCrash(p.stderr);
    }
    expect(await stored()).toEqual(before);
  }, 120_000);

  it('is refused at the limit the service is given (STRATA_MAX_FLOW_DEPTH)', async () => {
    const p = await runStrata(['import', 'argo', join(CHAINS, 'steps-1000.yaml')], { ...env, STRATA_MAX_FLOW_DEPTH: '10' });
    expect(p.code).toBe(2);
    expect(p.stderr).toContain('templates nested more than 10 deep (t0 -> t1 -> t2 -> … -> t8 -> t9 -> t10), the limit (STRATA_MAX_FLOW_DEPTH)');
  });
});

describe('the same depth in native flows', () => {
  it('graph nodes nested 80 deep: POST /v1/flows and POST /v1/runs 400, plan and apply exit 2, naming the limit', async () => {
    const before = await stored();
    const doc = readFileSync(join(CHAINS, 'native-nest-80.yaml'), 'utf8');
    const { parse } = await import('yaml');
    for (const [route, body] of [['/v1/flows', doc], ['/v1/runs', { flow: parse(doc) }]] as const) {
      const r = await svc.call('POST', route, body);
      expect(r.status, `${route}: ${r.text}`).toBe(400);
      expect(r.body.error.message).toContain('nested more than 48 levels deep, the limit (STRATA_MAX_FLOW_DEPTH)');
      noCrash(r.text);
    }
    for (const args of [['plan', join(CHAINS, 'native-nest-80.yaml'), '--dry-run'], ['apply', join(CHAINS, 'native-nest-80.yaml')], ['runs', 'submit', join(CHAINS, 'native-nest-80.yaml')]]) {
      const p = await runStrata(args, env);
      expect(p.code, args.join(' ')).toBe(2);
      expect(p.stderr).toContain('nested more than 48 levels deep');
      noCrash(p.stderr);
    }
    expect(await stored()).toEqual(before);
  });

  it('200 flows each using the next: apply exits 2 at the unit depth limit naming a chain, registering none', async () => {
    const before = await stored();
    const p = await runStrata(['apply', join(CHAINS, 'native-use-200.yaml')], env);
    expect(p.code).toBe(2);
    expect(p.stderr).toMatch(/units nested more than 8 deep \(use-chain-(\d+)@1 -> use-chain-\d+@1 -> .* -> use-chain-\d+@1\), the limit \(STRATA_MAX_UNIT_DEPTH\)/);
    noCrash(p.stderr);
    expect(await stored()).toEqual(before);
  });
});
