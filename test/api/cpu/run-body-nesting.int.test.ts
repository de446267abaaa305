/**
 * Tester 13: a flow right at STRATA_MAX_TEXT_NESTING was registered (POST /v1/flows, strata
 * apply) and planned, but could not be run: POST /v1/runs { flow } counted the request's
 * envelope as a level of the document (413 "body.flow.spec.params…: nested more than 12
 * levels deep"), and so did strata runs submit and apply --run (after registering the flow).
 * A run request's members now nest as documents on their own. Real HTTP, Redis, processes;
 * the service and the commands run with STRATA_MAX_TEXT_NESTING=12.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import { runStrata } from '../../support/processes.ts';
import { useTempDirs } from '../../support/temp-dirs.ts';
import { cliEnv, useRunService } from '../../support/use-run-service.ts';

const svc = useRunService({ STRATA_MAX_TEXT_NESTING: '12' });
const tempDir = useTempDirs('run-body-nesting-');

/** A Flow nested `levels` deep: the document, spec, params, and arrays in params.x. */
function nested(levels: number, name: string) {
  let x: unknown = 1;
  for (let i = 0; i < levels - 3; i++) x = [x];
  return { apiVersion: 'strata/v1', kind: 'Flow', metadata: { name, version: '1' }, spec: { params: { x }, root: { id: 't', task: { image: 'alpine', command: ['true'] } } } };
}

describe('a run request of a flow right at STRATA_MAX_TEXT_NESTING', () => {
  it('runs as JSON and as YAML; one level more is refused 413 naming the limit (12), nothing started', async () => {
    const ends: string[] = [];
    for (const [body, type] of [[JSON.stringify({ flow: nested(12, 'nest-json') }), 'application/json'], [stringify({ flow: nested(12, 'nest-yaml') }), 'application/yaml']]) {
      const r = await svc.call('POST', '/v1/runs', body, { 'content-type': type });
      ends.push(r.status === 202 ? (await svc.waitRun(r.body.runId)).status : `${r.status} ${r.text}`);
    }
    expect(ends).toEqual(['succeeded', 'succeeded']);
    for (const [levels, type] of [[13, 'application/json'], [13, 'application/yaml'], [15, 'application/yaml'], [15, 'application/json']] as const) {
      const doc = { flow: nested(levels, 'nest-past') };
      const r = await svc.call('POST', '/v1/runs', type === 'application/json' ? JSON.stringify(doc) : stringify(doc), { 'content-type': type });
      expect([levels, type, r.status, r.body.error.message.includes('nested more than 12 levels deep (')]).toEqual([levels, type, 413, true]);
      expect(r.body.error.details.limits).toEqual(['STRATA_MAX_TEXT_NESTING']);
    }
    expect((await svc.call('GET', '/v1/runs')).body.runs).toHaveLength(2);
  });

  it('strata runs submit and apply --run of it: exit 0, the run succeeded', async () => {
    const file = join(tempDir(), 'nested.yaml');
    writeFileSync(file, stringify(nested(12, 'nest-cli')));
    const env = { ...cliEnv(svc), STRATA_MAX_TEXT_NESTING: '12' };
    for (const args of [['runs', 'submit', file, '--watch'], ['apply', file, '--run', '--watch']]) {
      const r = await runStrata(args, env);
      expect([args[0], r.code, r.stderr]).toEqual([args[0], 0, '']);
    }
  });
});
