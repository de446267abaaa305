/**
 * Tester 17: a JSON document with a key given twice in one object (`"metadata":{"name":"dk",
 * "name":"dk2"}`) was taken with the last value (flow dk2 registered), over HTTP and in the
 * CLI, while the same document in YAML is refused. Now JSON is
 * refused the same way, naming the object and the key: every request body (400
 * invalid_request, nothing stored), a file the CLI reads (exit 2), a step's result.json at
 * both levels, a generate step's Dataset (the step fails, named) and a line of a cycle's
 * file:// source (the cycle fails, named; so does a number there a JavaScript number cannot
 * hold, which had been taken changed too). A key written with an
 * escape (`"n\u0061me"`) is the same key.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runStrata } from '../support/processes.ts';
import { cliEnv, useRunService } from '../support/use-run-service.ts';
import { useTempDirs } from '../support/temp-dirs.ts';

const newTempDir = useTempDirs('strata-dupkeys-');
const svc = useRunService();

const TWICE = 'is given twice';
const flow = (meta: string) => `{"apiVersion":"strata/v1","kind":"Flow","metadata":${meta},"spec":{"root":{"task":{"image":"busybox","command":["true"]}}}}`;
const write = (json: string) => ['sh', '-c', `printf '%s' '${json}' > "$STRATA_OUTPUTS/result.json"`];

describe('a key given twice in one JSON object', () => {
  it('is refused in every request body, 400 naming the object and the key, nothing stored', async () => {
    const json = 'application/json';
    const rows: Array<[string, string, string]> = [
      ['/v1/flows', flow('{"name":"dk","version":"1","name":"dk2"}'), 'body.metadata.name'],
      ['/v1/flows', flow('{"name":"dk","version":"1","n\\u0061me":"dk2"}'), 'body.metadata.name'],
      ['/v1/datasets', '{"apiVersion":"strata/v1","kind":"Dataset","metadata":{"name":"dkd"},"spec":{"shape":"table","attributes":{"a":1,"b":[{"x":1,"x":2}]}}}', 'body.spec.attributes.b[0].x'],
      ['/v1/runs', `{"flow":${flow('{"name":"dkr","version":"1"}')},"params":{"p":1,"p":2}}`, 'body.params.p'],
      ['/v1/runs', `{"flow":${flow('{"name":"dkr2","version":"1"}')},"flow":${flow('{"name":"dkr3","version":"1"}')}}`, 'body.flow'],
    ];
    const runsBefore = (await svc.call('GET', '/v1/runs?limit=1000')).body.runs.length;
    for (const [path, body, place] of rows) {
      const r = await svc.call('POST', path, body, { 'content-type': json });
      expect(r.status, `${path} ${body}: ${r.text}`).toBe(400);
      expect(r.body.error.code, body).toBe('invalid_request');
      expect(r.body.error.message, body).toContain(`${place}: `);
      expect(r.body.error.message, body).toContain(TWICE);
    }
    for (const name of ['dk', 'dk2', 'dkr', 'dkr2', 'dkr3']) expect((await svc.call('GET', `/v1/flows/${name}`)).status, name).toBe(404);
    expect((await svc.call('GET', '/v1/datasets/dkd')).status).toBe(404);
    expect((await svc.call('GET', '/v1/runs?limit=1000')).body.runs.length).toBe(runsBefore);
    // The same key in two objects, and a key that is another's prefix, are no duplicate.
    const ok = await svc.call('POST', '/v1/flows', flow('{"name":"dk","version":"1","labels":{"name":"x","names":"y"}}'), { 'content-type': json });
    expect(ok.status, ok.text).toBe(201);
  });

  it.each([[['plan']], [['apply']], [['runs', 'submit']]])('in a file strata %j reads is refused, exit 2 naming it, nothing stored', async (command) => {
    const file = join(newTempDir(), 'flow.json');
    writeFileSync(file, flow('{"name":"dkc","version":"1","name":"dkc2"}'));
    const runsBefore = (await svc.call('GET', '/v1/runs?limit=1000')).body.runs.length;
    const r = await runStrata([...command, file], cliEnv(svc));
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toContain(`${file}.metadata.name: `);
    expect(r.stderr).toContain(TWICE);
    for (const name of ['dkc', 'dkc2']) expect((await svc.call('GET', `/v1/flows/${name}`)).status, name).toBe(404);
    expect((await svc.call('GET', '/v1/runs?limit=1000')).body.runs.length).toBe(runsBefore);
  });

  it("in a step's result.json fails the step naming it, macro, generate and micro alike", async () => {
    const ds = `{"apiVersion":"strata/v1","kind":"Dataset","metadata":{"name":"made","name":"other"},"spec":{"shape":"table"}}`;
    const run = await svc.runToEnd({
      flow: {
        apiVersion: 'strata/v1', kind: 'Flow', metadata: { name: 'dup-results', version: '1' },
        spec: {
          root: {
            graph: {
              nodes: {
                task: { task: { image: 'busybox', command: write('{"id":1,"id":2}') } },
                gen: { generate: { image: 'busybox', command: write(ds) } },
                pod: { pod: { flow: { sequence: [{ id: 'inner', task: { image: 'busybox', command: write('[{"a":{"k":1,"k":1}}]') } }] } } },
              },
            },
          },
        },
      },
    });
    expect(run.status).toBe('failed');
    const said = (id: string) => JSON.stringify(run.steps[id]);
    expect(run.steps.task.status).toBe('failed');
    expect(said('task')).toContain(`result.json.id: the key \\"id\\" ${TWICE}`);
    expect(run.steps.gen.status).toBe('failed');
    expect(said('gen')).toContain(`result.json.metadata.name: the key \\"name\\" ${TWICE}`);
    expect(run.steps['pod/inner'].status).toBe('failed');
    expect(said('pod/inner')).toContain(`result.json[0].a.k: the key \\"k\\" ${TWICE}`);
  });

  it("in a line of a cycle's file:// source fails the cycle, macro and micro, naming the line and the key (and a lost number, likewise)", async () => {
    const dir = newTempDir();
    const ring = [{ id: 'm', task: { image: 'busybox', command: ['true'] } }];
    const cycle = (id: string, lines: string) => {
      const src = join(dir, `${id}.jsonl`);
      writeFileSync(src, lines);
      return { id, cycle: { ring, source: `file://${src}` } };
    };
    // One run each: a failed step cancels the rest of its run.
    const alone = (name: string, root: unknown) => svc.runToEnd({ flow: { apiVersion: 'strata/v1', kind: 'Flow', metadata: { name, version: '1' }, spec: { root } } });
    const dup = await alone('dup-source', { sequence: [cycle('dup', '{"v":1}\n{"v":1,"v":2}\n')] });
    expect(dup.status).toBe('failed');
    expect(dup.steps.dup.status).toBe('failed');
    expect(dup.steps.dup.error).toContain(`dup.jsonl: line 2.v: the key "v" ${TWICE}`);
    const big = await alone('big-source', { sequence: [cycle('big', '{"v":1e309}\n')] });
    expect(big.steps.big.status).toBe('failed');
    expect(big.steps.big.error).toContain('big.jsonl: line 1.v: the number 1e309 is past the range');
    const micro = await alone('dup-source-pod', { pod: { flow: { sequence: [cycle('inner', '{"a":[{"k":1,"k":1}]}\n')] } } });
    // The cycle inside the pod fails as the macro one does (the engine's failed window at both
    // levels: it had been recorded cancelled, the pod stopped around it), and the pod with it.
    expect(micro.status).toBe('failed');
    expect(micro.steps['main/inner']?.status).toBe('failed');
    expect(micro.steps['main/inner']?.error).toContain(`inner.jsonl: line 1.a[0].k: the key "k" ${TWICE} in line 1.a[0]`);
    expect(micro.steps.main.status).toBe('failed');
    expect(micro.steps.main.error).toContain(`inner.jsonl: line 1.a[0].k: the key "k" ${TWICE} in line 1.a[0]`);
  });
});
