/**
 * Faults of the third Argo tester round (issue 12, /work/tools/reports/argo-tester-2.md),
 * through the real stack: documents sent as they are to `POST /v1/runs`, run on the local
 * runtime with real HTTP, Redis, BullMQ and processes, checked by their outcome.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RunView } from '../../src/run/run-view.ts';
import { LEVELS } from '../support/levels.ts';
import { useRunService } from '../support/use-run-service.ts';
import { argoFixtures } from '../support/documents.ts';

const svc = useRunService();
const { read } = argoFixtures('faults-4');

const post = (body: unknown): Promise<RunView> => svc.runToEnd(body);

const sh = (script: string) => ({ task: { image: 'alpine', command: ['sh', '-c', script] } });

describe('a failure a condition does not name by its kind fails the run (fault 1)', () => {
  it('Argo: a step exiting 1 under continueOn.error fails the Workflow; the next step never runs', async () => {
    const r = await post(read('continue-on-error-only.yaml'));
    expect(r.status, JSON.stringify(r.steps)).toBe('failed');
    expect(r.steps.bad.status).toBe('failed');
    expect(r.steps.after.status).toBe('skipped');
  });

  describe.each(LEVELS)('strata graph, $name', ({ prefix, wrap }) => {
    it('a dependent on succeeded or errored leaves an exit code unhandled: the run fails', async () => {
      const graph = { graph: { nodes: { bad: sh('exit 1'), after: { ...sh('echo after'), dependsOn: [{ node: 'bad', on: ['succeeded', 'errored'] }] } } } };
      const r = await post({ flow: { apiVersion: 'strata/v1', kind: 'Flow', metadata: { name: 'kinds', version: '1' }, spec: { root: wrap(graph) } } });
      expect(r.status, JSON.stringify(r.steps)).toBe('failed');
      expect(r.steps[`${prefix}bad`].status).toBe('failed');
      expect(r.steps[`${prefix}after`].status).toBe('skipped');
    });

    it('a dependent on failed handles it: the dependent runs and the run succeeds', async () => {
      const graph = { graph: { nodes: { bad: sh('exit 1'), after: { ...sh('echo after'), dependsOn: [{ node: 'bad', on: ['failed'] }] } } } };
      const r = await post({ flow: { apiVersion: 'strata/v1', kind: 'Flow', metadata: { name: 'kinds', version: '1' }, spec: { root: wrap(graph) } } });
      expect(r.steps[`${prefix}after`].status).toBe('succeeded');
      expect(r.status, JSON.stringify(r.steps)).toBe('succeeded');
    });
  });
});

describe('+ in an expression joins texts (fault 2)', () => {
  it('text + text is the joined text, in a value and in a when; numbers still add', async () => {
    const r = await post(read('text-plus.yaml'));
    expect(r.status, JSON.stringify(r.steps)).toBe('succeeded');
    expect(r.steps.joined.result).toBe('[ab] [abc-sfx] [6]');
    expect(r.steps.gate).toMatchObject({ status: 'succeeded', result: 'gate-ran' });
  });
});
