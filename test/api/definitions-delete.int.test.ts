/**
 * Deleting definitions by name through the `strata` CLI as processes and real HTTP (Argo
 * tester 2, faults 10 and 11): a WorkflowTemplate is deleted whole, as `argo template
 * delete` does, and a name that cannot name anything (an empty version, a bad character)
 * gets a sentence about the name, not "no route".
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runStrata } from '../support/processes.ts';
import { startTestService, type TestService } from '../support/test-service.ts';

const FAULTS = join('test', 'fixtures', 'argo', 'faults-5');

let svc: TestService;
let env: Record<string, string>;
beforeAll(async () => {
  svc = await startTestService();
  env = { STRATA_URL: svc.url };
});
afterAll(async () => svc?.close());

/** Every registered `name@version` that starts with `prefix`, sorted. */
async function registered(prefix: string): Promise<string[]> {
  const flows = (await svc.call('GET', '/v1/flows')).body.flows as Array<{ name: string; versions: string[] }>;
  return flows.flatMap((f) => f.versions.map((v) => `${f.name}@${v}`)).filter((r) => r.startsWith(prefix)).sort();
}

async function strata(...args: string[]): Promise<string> {
  const r = await runStrata(args, env);
  expect(r.code, `strata ${args.join(' ')}: ${r.stdout}${r.stderr}`).toBe(0);
  return r.stdout;
}

describe('deleting a WorkflowTemplate (fault 10)', () => {
  it('by its entry flow deletes its units too, per version; one unit alone is refused naming the rest; CLI and HTTP alike', async () => {
    await strata('apply', join(FAULTS, 'wt-lib.yaml'));
    const first = (await registered('wt-lib@'))[0].split('@')[1];
    await strata('apply', join(FAULTS, 'wt-lib-edited.yaml'));
    const second = (await registered('wt-lib@')).map((r) => r.split('@')[1]).find((v) => v !== first)!;
    const names = ['wt-lib', 'wt-lib.greet', 'wt-lib.greet-all'];
    expect(await registered('wt-lib')).toEqual([...names.map((n) => `${n}@${first}`), ...names.map((n) => `${n}@${second}`)].sort());

    // One unit of the version applied last: refused (exit 5 / 409), naming the flows it goes with.
    const unit = await runStrata(['flows', 'delete', `wt-lib.greet@${second}`], env);
    expect(unit.code).toBe(5);
    expect(unit.stderr).toContain(`wt-lib.greet@${second} is template greet of WorkflowTemplate wt-lib, registered with wt-lib.greet-all@${second}, wt-lib@${second}`);
    expect(unit.stderr).toContain(`strata flows delete wt-lib@${second}`);
    const overHttp = await svc.call('DELETE', `/v1/flows/wt-lib.greet-all/${second}`);
    expect(overHttp.status).toBe(409);
    expect(overHttp.body.error.message).toContain('a WorkflowTemplate is deleted whole');
    expect(await registered('wt-lib')).toHaveLength(6);

    // The entry flow's version: that version of every flow of the WorkflowTemplate.
    const out = await strata('flows', 'delete', `wt-lib@${second}`);
    expect(out.trim().split('\n').sort()).toEqual(names.map((n) => `flow ${n}@${second} deleted`).sort());
    expect(await registered('wt-lib')).toEqual(names.map((n) => `${n}@${first}`).sort());

    // Every version by name, over HTTP.
    const all = await svc.call('DELETE', '/v1/flows/wt-lib');
    expect(all.status).toBe(200);
    expect([...all.body.deleted].sort()).toEqual(names.map((n) => `${n}@${first}`).sort());
    expect(await registered('wt-lib')).toEqual([]);
  });

  it('one without an entrypoint is deleted by its name', async () => {
    await strata('apply', join(FAULTS, 'wt-no-entry.yaml'));
    expect(await registered('wt-no-entry')).toHaveLength(2);
    const out = await strata('flows', 'delete', 'wt-no-entry');
    expect(out).toMatch(/^flow wt-no-entry\.left@argo-\w+ deleted\nflow wt-no-entry\.right@argo-\w+ deleted\n$/);
    expect(await registered('wt-no-entry')).toEqual([]);
  });
});

describe('a name that cannot name anything (fault 11)', () => {
  it.each([
    [['flows', 'delete', 'x@'], 'flow "x@": the version after "@" is empty; give NAME or NAME@VERSION'],
    [['flows', 'get', 'x@'], 'flow "x@": the version after "@" is empty; give NAME or NAME@VERSION'],
    [['flows', 'delete', '@1'], 'flow "@1": the name before "@" is empty; give NAME or NAME@VERSION'],
    [['rules', 'delete', ''], 'rule "": the name is empty'],
    [['schedules', 'get', ''], 'schedule "": the name is empty'],
  ])('strata %j exits 2 with a sentence about the name', async (args, message) => {
    const r = await runStrata(args, env);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe(`strata: ${message}`);
  });

  it.each([
    [['flows', 'delete', 'Bad_Name'], 'no name "Bad_Name": a name is lower-case letters, digits, "-" and "." (at most 64)'],
    [['flows', 'delete', 'ok@bad/version'], 'no version "bad/version": a version is letters, digits, ".", "_" and "-" (at most 32)'],
    [['rules', 'delete', 'x@'], 'no name "x@": a name is lower-case letters'],
    [['schedules', 'delete', 'Bad_Name'], 'no name "Bad_Name": a name is lower-case letters'],
  ])('strata %j: the API names the form of the name (404, exit 4)', async (args, message) => {
    const r = await runStrata(args, env);
    expect(r.code).toBe(4);
    expect(r.stderr).toContain(message);
    expect(r.stderr).not.toContain('no route');
  });

  it.each([
    ['DELETE', '/v1/flows/x/'],
    ['GET', '/v1/flows/x/'],
    ['DELETE', '/v1/flows//1'],
    ['DELETE', '/v1/rules/'],
    ['GET', '/v1/schedules/'],
  ])('%s %s: 400 saying a part of the path is empty', async (method, path) => {
    const r = await svc.call(method, path);
    expect(r.status).toBe(400);
    expect(r.body.error.message).toBe(`${method} ${path}: a part of the path is empty (a name, version or id left out?)`);
  });

  it.each([
    ['GET', '/v1/schedules/Bad_Name'],
    ['DELETE', '/v1/schedules/Bad_Name'],
    ['GET', '/v1/hooks/Bad_Name'],
    ['DELETE', '/v1/hooks/Bad_Name'],
    ['DELETE', '/v1/flows/Bad_Name'],
    ['DELETE', '/v1/flows/x/bad%2Fversion'],
  ])('%s %s: 404 naming the form', async (method, path) => {
    const r = await svc.call(method, path);
    expect(r.status).toBe(404);
    expect(r.body.error.message).toMatch(/^no (name|version) "[^"]+": a (name|version) is /);
  });
});
