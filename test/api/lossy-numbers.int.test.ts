/**
 * Tester 17: a number a JavaScript number cannot hold was changed without a word wherever
 * strata read JSON or YAML. A Dataset's `attributes: { big: 1e309, n: 12345678901234567890 }`
 * was stored as `{ big: null, n: 12345678901234567000 }` (a rule had seen Infinity at the
 * ingest; the same Dataset as a generate step's result.json gave it null), a `{ use, with }`
 * run's `with` and a Schedule's reached the step as null and a rounded number, a step's result
 * likewise. Now such a number is refused where it is read, naming its place and saying to write
 * it as text: every request body (JSON and YAML: 400, nothing stored), a file the CLI reads
 * (exit 2), a step's result.json at both levels (the step fails, named); a run request's
 * `params` and `with` keep it as its text, as `params` already did. A number held exactly
 * (10000000000000000, 1e20, 1.50) is taken as before.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runStrata } from '../support/processes.ts';
import { useRunService } from '../support/use-run-service.ts';
import { useTempDirs } from '../support/temp-dirs.ts';

const newTempDir = useTempDirs('strata-lossy-');
const svc = useRunService();

const KEEP = 'to keep it';
const dataset = (name: string, attributes: string) => `{"apiVersion":"strata/v1","kind":"Dataset","metadata":{"name":"${name}"},"spec":{"shape":"table","attributes":${attributes}}}`;
const echoParams = { task: { image: 'busybox', command: ['sh', '-c', 'printf "%s" "$STRATA_PARAMS"'] } };
const write = (json: string) => ['sh', '-c', `printf '%s' '${json}' > "$STRATA_OUTPUTS/result.json"`];

describe('a number a JavaScript number cannot hold', () => {
  it('is refused in every request body, JSON and YAML, 400 naming its place, nothing stored', async () => {
    expect((await svc.call('POST', '/v1/flows', { apiVersion: 'strata/v1', kind: 'Flow', metadata: { name: 'echo-params', version: '1' }, spec: { root: echoParams } })).status).toBe(201);
    const json = 'application/json';
    const rows: Array<[string, string, string, string, string]> = [
      ['/v1/datasets', json, dataset('over', '{"big":1e309}'), 'body.spec.attributes.big', 'past the range'],
      ['/v1/datasets', json, dataset('whole', '{"n":12345678901234567890}'), 'body.spec.attributes.n', 'read as 12345678901234567168'],
      ['/v1/datasets', json, dataset('under', '{"x":[1,1e-400]}'), 'body.spec.attributes.x[1]', 'read as 0'],
      ['/v1/datasets', 'application/yaml', 'apiVersion: strata/v1\nkind: Dataset\nmetadata: { name: yinf }\nspec: { shape: table, attributes: { big: .inf } }\n', 'body.spec.attributes.big', 'past the range'],
      ['/v1/datasets', 'application/yaml', 'apiVersion: strata/v1\nkind: Dataset\nmetadata: { name: ywhole }\nspec: { shape: table, attributes: { n: 12345678901234567890 } }\n', 'body.spec.attributes.n', 'cannot be held exactly'],
      ['/v1/flows', json, '{"apiVersion":"strata/v1","kind":"Flow","metadata":{"name":"lossy","version":"1"},"spec":{"params":{"n":1e309},"root":{"task":{"image":"busybox","command":["true"]}}}}', 'body.spec.params.n', 'past the range'],
      ['/v1/schedules', json, '{"apiVersion":"strata/v1","kind":"Schedule","metadata":{"name":"lossy"},"spec":{"schedule":"0 0 1 1 *","use":"echo-params@1","with":{"n":1e309}}}', 'body.spec.with.n', 'past the range'],
      ['/v1/runs', json, '{"flow":{"apiVersion":"strata/v1","kind":"Flow","metadata":{"name":"lossy-run","version":"1"},"spec":{"params":{"n":99999999999999999999},"root":{"task":{"image":"busybox","command":["true"]}}}}}', 'body.flow.spec.params.n', 'cannot be held exactly'],
    ];
    const runsBefore = (await svc.call('GET', '/v1/runs?limit=1000')).body.runs.length;
    for (const [path, type, body, place, why] of rows) {
      const r = await svc.call('POST', path, body, { 'content-type': type });
      expect(r.status, `${path} ${body}: ${r.text}`).toBe(400);
      expect(r.body.error.message, body).toContain(`${place}: `);
      expect(r.body.error.message, body).toContain(why);
      expect(r.body.error.message, body).toContain(KEEP);
    }
    for (const name of ['over', 'whole', 'under', 'yinf', 'ywhole']) expect((await svc.call('GET', `/v1/datasets/${name}`)).status, name).toBe(404);
    expect((await svc.call('GET', '/v1/flows/lossy')).status).toBe(404);
    expect((await svc.call('GET', '/v1/schedules/lossy')).status).toBe(404);
    expect((await svc.call('GET', '/v1/runs?limit=1000')).body.runs.length).toBe(runsBefore);
  });

  it('held exactly is taken as it is (big whole numbers, exponents, trailing zeros)', async () => {
    const r = await svc.call('POST', '/v1/datasets', dataset('exact', '{"bytes":10000000000000000,"e":1e20,"f":1.50,"z":0e-999,"neg":-9007199254740993e0}'), { 'content-type': 'application/json' });
    // -9007199254740993 is not held (it would be ...992): the one refused, and only it.
    expect(r.status, r.text).toBe(400);
    expect(r.body.error.details.problems.map((p: { path: string }) => p.path)).toEqual(['body.spec.attributes.neg']);
    const ok = await svc.call('POST', '/v1/datasets', dataset('exact', '{"bytes":10000000000000000,"e":1e20,"f":1.50,"z":0e-999}'), { 'content-type': 'application/json' });
    expect(ok.status, ok.text).toBe(200);
    expect((await svc.call('GET', '/v1/datasets/exact')).body.dataset.spec.attributes).toEqual({ bytes: 1e16, e: 1e20, f: 1.5, z: 0 });
  });

  it('in a { use, with } run reaches the step as its text, as params do', async () => {
    const text = '{"use":"echo-params@1","with":{"big":1e309,"n":12345678901234567890,"ok":2}}';
    const post = await svc.call('POST', '/v1/runs', text, { 'content-type': 'application/json' });
    expect(post.status, post.text).toBe(202);
    const run = await svc.waitRun(post.body.id);
    expect(run.status).toBe('succeeded');
    const logs = await svc.call('GET', `/v1/runs/${post.body.id}/steps/main/logs`);
    expect(JSON.parse(logs.text)).toEqual({ big: '1e309', n: '12345678901234567890', ok: 2 });
  });

  it("in a flow hook's call reaches the step as its text, as a run's params do", async () => {
    const reg = await svc.call('POST', '/v1/hooks', { apiVersion: 'strata/v1', kind: 'Hook', metadata: { name: 'lossy' }, spec: { use: 'echo-params@1' } });
    expect(reg.status, reg.text).toBe(201);
    const call = await svc.call('POST', '/v1/hooks/lossy', '{"big":1e309,"n":12345678901234567890,"ok":2}', { 'content-type': 'application/json', authorization: `Bearer ${reg.body.token}` });
    expect(call.status, call.text).toBe(202);
    expect((await svc.waitRun(call.body.id)).status).toBe('succeeded');
    const logs = await svc.call('GET', `/v1/runs/${call.body.id}/steps/main/logs`);
    expect(JSON.parse(logs.text)).toEqual({ big: '1e309', n: '12345678901234567890', ok: 2 });
  });

  it("in a step's result.json fails the step naming it, macro, generate and micro alike", async () => {
    const ds = `{"apiVersion":"strata/v1","kind":"Dataset","metadata":{"name":"made"},"spec":{"shape":"table","attributes":{"big":1e309}}}`;
    const run = await svc.runToEnd({
      flow: {
        apiVersion: 'strata/v1', kind: 'Flow', metadata: { name: 'lossy-results', version: '1' },
        spec: {
          root: {
            graph: {
              nodes: {
                task: { task: { image: 'busybox', command: write('{"id":12345678901234567890}') } },
                gen: { generate: { image: 'busybox', command: write(ds) } },
                pod: { pod: { flow: { sequence: [{ id: 'inner', task: { image: 'busybox', command: write('[1e-400]') } }] } } },
              },
            },
          },
        },
      },
    });
    expect(run.status).toBe('failed');
    const said = (id: string) => JSON.stringify(run.steps[id]);
    expect(run.steps.task.status).toBe('failed');
    expect(said('task')).toContain('result.json.id: the whole number 12345678901234567890 cannot be held exactly');
    expect(run.steps.gen.status).toBe('failed');
    expect(said('gen')).toContain('result.json.spec.attributes.big: the number 1e309 is past the range');
    expect(run.steps['pod/inner'].status).toBe('failed');
    expect(said('pod/inner')).toContain('result.json[0]: the number 1e-400 is too small');
  });

  it('in a file the CLI reads is refused, exit 2 naming it', async () => {
    const file = join(newTempDir(), 'flow.yaml');
    writeFileSync(file, 'apiVersion: strata/v1\nkind: Flow\nmetadata: { name: f, version: "1" }\nspec:\n  params: { n: 12345678901234567890 }\n  root: { task: { image: busybox, command: ["true"] } }\n');
    const r = await runStrata(['plan', file]);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toContain(`${file}.spec.params.n: the whole number 12345678901234567890 cannot be held exactly`);
  });
});
