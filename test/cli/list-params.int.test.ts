/**
 * Tester 19: a list parameter became text depending on how its numbers were written.
 * `-p 'y=[1.5,2.5]'` was a list, `-p 'y=[1.5,2.50]'`, `-p 'y=[{"p":1.0}]'` and HTTP
 * `{"use":..., "with":{"y":[1.50]}}` text (a value JSON would write differently was kept as
 * its text), so `fanOut.over: {var: params.y}` failed (`gave "[1.5,2.50]", not a list`). Now a
 * list or object whose numbers strata holds exactly is kept as data whatever their writing
 * (only a single number keeps its text: `2.50` is substituted back as written); one with a
 * number strata cannot hold stays text, and the fan-out says why and what to do.
 */
import { describe, expect, it } from 'vitest';
import { runStrata } from '../support/processes.ts';
import { cliEnv, useRunService } from '../support/use-run-service.ts';

const svc = useRunService();
const nums = {
  apiVersion: 'strata/v1', kind: 'Flow', metadata: { name: 'nums', version: '1' },
  spec: { params: { y: [] }, root: { sequence: [{ id: 'each', fanOut: { over: { var: 'params.y' }, do: { task: { image: 'busybox', command: ['sh', '-c', 'printf "%s" "$STRATA_ITEM"'] } } } }] } },
};
const items = (run: { steps: Record<string, { status: string }> }) => Object.keys(run.steps).filter((s) => s.startsWith('each/')).length;

describe('a list parameter', () => {
  it('is a list however its numbers are written: -p and HTTP with', async () => {
    expect((await svc.call('POST', '/v1/flows', nums)).status).toBe(201);
    for (const [y, n] of [['[1.5,2.5]', 2], ['[1.5,2.50]', 2], ['[{"p":1.0}]', 1], ['[1e2, 3.10]', 2]] as const) {
      const r = await runStrata(['runs', 'submit', '--use', 'nums', '-p', `y=${y}`, '--watch'], cliEnv(svc));
      expect(r.code, `${y}: ${r.stdout}${r.stderr}`).toBe(0);
      const run = await svc.waitRun(/run (\S+) submitted/.exec(r.stdout)![1]);
      expect(items(run), y).toBe(n);
    }
    const post = await svc.call('POST', '/v1/runs', '{"use":"nums","with":{"y":[1.50, 2]}}', { 'content-type': 'application/json' });
    expect(post.status, post.text).toBe(202);
    const run = await svc.waitRun(post.body.id);
    expect(run.status, run.error ?? '').toBe('succeeded');
    expect(items(run)).toBe(2);
    const p = await svc.call('POST', '/v1/runs', '{"flow":' + JSON.stringify(nums) + ',"params":{"y":[{"p":1.0}]}}', { 'content-type': 'application/json' });
    expect(p.status, p.text).toBe(202);
    expect((await svc.waitRun(p.body.id)).status).toBe('succeeded');
  });

  it('holding a number strata cannot hold stays text, and the fan-out says why and what to do', async () => {
    const post = await svc.call('POST', '/v1/runs', '{"use":"nums","with":{"y":[12345678901234567890]}}', { 'content-type': 'application/json' });
    expect(post.status, post.text).toBe(202);
    const run = await svc.waitRun(post.body.id);
    expect(run.status).toBe('failed');
    expect(run.error).toContain('fanOut.over gave "[12345678901234567890]", not a list: it is text, the whole number 12345678901234567890 cannot be held exactly');
    expect(run.error).toContain('fromJson');
  });
});
