/**
 * valueFrom.default of a steps or dag template's output parameter when the step it reads
 * failed without writing its file (Argo tester 5, N17b): Argo's getTemplateOutputsFromScope
 * takes the default whenever the parameter cannot be resolved; a failed step that wrote it
 * gives its value. And strata's own `{"output": [step, name, "given"]}`, at both levels.
 * Through the real stack: documents sent as they are to `POST /v1/runs`, run on the local
 * runtime with real HTTP, Redis, BullMQ and processes.
 */
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { useRunService } from '../support/use-run-service.ts';
import { argoFixtures } from '../support/documents.ts';

const svc = useRunService();
const { dir: DIR, read } = argoFixtures('failed-outputs');

describe('valueFrom.default after a failed step that wrote nothing (N17b)', () => {
  it('Argo: steps and dag templates take the default; a failed step that wrote the file gives its value', async () => {
    const r = await svc.runToEnd(read('default-after-failure.yaml'));
    expect(r.status, JSON.stringify(r.steps)).toBe('succeeded');
    expect(r.steps['s/fails'].status).toBe('failed');
    expect(r.steps['d/fails'].status).toBe('failed');
    expect(r.steps.show.result).toBe('steps=[steps-fallback] dag=[dag-fallback] wrote=[written-then-failed] expr=[steps-fallback!]');
  });

  it('strata flows, at both levels: {"output": [step, name, "given"]} says whether the step gave it', async () => {
    const r = await svc.runToEnd({ flow: parse(read('given-native.yaml')) });
    expect(r.status, JSON.stringify(r.steps)).toBe('succeeded');
    expect(r.steps.macro.result).toBe('fallback w');
    expect(r.steps['pod/micro'].result).toBe('fallback');
  });
});
