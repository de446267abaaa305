/**
 * Regular expressions that backtrack over a user's text: each of these read a long run of
 * one character (newlines, spaces, `{{ `, `-`) once per place it could start, so its work
 * grew with the square of the text (16,000 characters cost 0.1 to 0.25 s, a body of 400,000
 * a minute or more). Through real HTTP against the service, with a task time limit
 * (STRATA_API_TASK_MS) far above what one pass over these bodies takes and far below the
 * quadratic reading: a refusal by the time limit (422 naming it) is the fault, the
 * document's own answer is the work done.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRunService, type RunTestService } from '../support/run-service.ts';

const N = 400_000;
const WHEN = 2_000_000;

/** An Argo Workflow whose step `b` (after `a`, which writes the artifact `out`) has `step`'s fields. */
function workflow(step: Record<string, unknown>, name = 'w'): unknown {
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Workflow',
    metadata: { name },
    spec: {
      entrypoint: 'main',
      templates: [
        { name: 'main', steps: [[{ name: 'a', template: 'c' }], [{ name: 'b', template: 'c', ...step }]] },
        { name: 'c', container: { image: 'busybox', command: ['true'] }, outputs: { artifacts: [{ name: 'out', path: '/tmp/o' }] } },
      ],
    },
  };
}

let svc: RunTestService;
beforeAll(async () => {
  svc = await startRunService({ STRATA_API_TASK_MS: '15000' });
});
afterAll(async () => {
  await svc?.close();
});

/** The answer to `body`, which must not be the time limit's. */
async function answer(method: string, path: string, body: unknown, headers: Record<string, string> = {}) {
  const r = await svc.call(method, path, body, headers);
  expect(r.text.slice(0, 400)).not.toContain('STRATA_API_TASK_MS');
  return r;
}

describe('a body that is a long run of one character', () => {
  it('newlines before a run request: read as the JSON it is (looksLikeArgo read each newline to the end)', async () => {
    const r = await answer('POST', '/v1/runs', `${'\n'.repeat(N)}{"flow": 1}`, { 'content-type': 'application/json' });
    expect(r.status, r.text.slice(0, 300)).toBe(400);
  });

  it('a YAML line of spaces inside a value: read once (text-nesting read from each space to the line\'s end)', async () => {
    const text = `apiVersion: strata/v1\nkind: Flow\nmetadata: {name: spaces, version: "1"}\nspec:\n  root: {task: {image: x, command: ["true"]}}\n  params:\n    p: a${' '.repeat(N)}b\n`;
    const r = await answer('POST', '/v1/flows', text, { 'content-type': 'application/yaml' });
    expect(r.status, r.text.slice(0, 300)).toBe(201);
  });

  // Braces that never nest deep and never close a tag: the regexes read from each quote or {{ to
  // the end. 2 MB: their cost here grew about 12 times for 4 times the text (256,000: 2 to 4 s).
  it('an Argo when of many quoted {{ : refused as the expression it is', async () => {
    const r = await answer('POST', '/v1/runs', workflow({ when: "'{{ } } ".repeat(WHEN / 8) }));
    expect(r.status, r.text.slice(0, 300)).toBe(400);
    expect(r.body.error.message).toContain('template main, step b, when:');
  });

  it('an Argo when of many {{ : refused as the expression it is', async () => {
    const r = await answer('POST', '/v1/runs', workflow({ when: '{{ } } '.repeat(WHEN / 7) }));
    expect(r.status, r.text.slice(0, 300)).toBe(400);
    expect(r.body.error.message).toContain('template main, step b, when:');
  });

  it('an Argo artifact from of spaces: refused, naming it', async () => {
    const r = await answer('POST', '/v1/runs', workflow({ arguments: { artifacts: [{ name: 'x', from: `{{a${' '.repeat(N)}x` }] } }));
    expect(r.status, r.text.slice(0, 300)).toBe(400);
    expect(r.body.error.message).toContain('template main: artifact from "{{a');
  });

  it('an Argo Workflow named with a run of "-": refused, naming it', async () => {
    const r = await answer('POST', '/v1/runs', workflow({}, `a${'-'.repeat(N)}a`));
    expect(r.status, r.text.slice(0, 300)).toBe(400);
    expect(r.body.error.message).toContain('which is not a strata flow name');
  });
});
