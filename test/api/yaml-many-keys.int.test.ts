/**
 * A YAML body whose one mapping holds many keys costs work in proportion to its size. The
 * `yaml` package's own check for keys given twice (`uniqueKeys`) compares each key with every
 * earlier one of its mapping: 50,000 keys (600 KB, well inside the 4 MiB YAML limit) held a
 * worker thread a minute. Through real HTTP against the service, with a task time limit
 * (STRATA_API_TASK_MS) far above what the linear reading takes and far below the quadratic
 * one: a refusal by the time limit (422 naming it) is the fault, the document's own answer
 * (its params past their limit, or its keys given twice) is the work done.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestService, type TestService } from '../support/test-service.ts';

// 200,000 keys (2.6 MB): the linear reading takes seconds (tens on CI's loaded machine), the
// quadratic one many minutes, so the time limit below tells them apart on any machine.
const KEYS = 200_000;

/** A Flow in YAML whose spec.params is one mapping of `keys` (each `  kN: 1`). */
function flowWithParams(keys: string[]): string {
  const lines = ['apiVersion: strata/v1', 'kind: Flow', 'metadata: {name: many-keys, version: "1"}', 'spec:', '  root: {task: {image: x, command: ["true"]}}', '  params:'];
  for (const k of keys) lines.push(`    ${k}: 1`);
  return `${lines.join('\n')}\n`;
}

let svc: TestService;
beforeAll(async () => {
  svc = await startTestService({ STRATA_API_TASK_MS: '120000' });
});
afterAll(async () => {
  await svc?.close();
});

describe('a YAML mapping of 200,000 keys', { timeout: 300_000 }, () => {
  it('is read in one pass: answered by its params limit, not stopped by the time limit', async () => {
    const text = flowWithParams(Array.from({ length: KEYS }, (_, i) => `k${i}`));
    const r = await svc.call('POST', '/v1/flows', text, { 'content-type': 'application/yaml' });
    expect(r.status, r.text).toBe(422);
    expect(r.body.error.code).toBe('limit_exceeded');
    expect(r.body.error.message).toContain('spec.params: holds more than 10,000 keys and list elements (STRATA_MAX_PARAMS_KEYS)');
    expect((await svc.call('GET', '/v1/flows/many-keys')).status).toBe(404);
  });

  it('with every key given twice: each named with its lines, the first 50 listed and the rest counted', async () => {
    const keys = Array.from({ length: KEYS }, (_, i) => `k${i >> 1}`);
    const r = await svc.call('POST', '/v1/flows', flowWithParams(keys), { 'content-type': 'application/yaml' });
    expect(r.status, r.text.slice(0, 500)).toBe(400);
    // Line 7 holds the first key: k0 at lines 7 and 8, k1 at 9 and 10.
    expect(r.body.error.message).toContain('body.spec.params.k0: the key "k0" is given twice in body.spec.params (lines 7 and 8; only its last value would be kept): give each key once');
    expect(r.body.error.message).toContain('body.spec.params.k1: the key "k1" is given twice in body.spec.params (lines 9 and 10;');
    expect(r.body.error.message).toContain(`... and ${KEYS / 2 - 50} more problems`);
    expect((await svc.call('GET', '/v1/flows/many-keys')).status).toBe(404);
  });
});
