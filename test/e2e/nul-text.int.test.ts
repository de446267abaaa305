/**
 * Argo tester 7, R8: a NUL character in a container's command, args or env (or a value
 * substituted there) was accepted when the document was checked, and the run then failed
 * with Node's words ("The argument 'args[1]' must be a string without null bytes"). No
 * process argument or environment value can hold one, so a document that writes one is
 * refused when it is checked (HTTP 400, exit 2) naming the place, and a value that only
 * the run knows (a step's output) fails its step in strata's words naming the field. Both
 * levels (a task, a pod's containers), native flows and Argo documents, CLI and HTTP; the
 * local runtime. The first row of each table runs the CLI commands as processes, the others
 * in this process (test/support/strata-here.ts): what is checked there is the compiler's word.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { LEVELS } from '../support/levels.ts';
import { runStrata } from '../support/processes.ts';
import { strataHere } from '../support/strata-here.ts';
import { useRunService } from '../support/use-run-service.ts';
import { useTempDirs } from '../support/temp-dirs.ts';

const newTempDir = useTempDirs('strata-nul-');

const svc = useRunService();
const NUL = 'holds a NUL character, which no argument or environment value can carry';

const flow = (name: string, root: unknown) => ({ apiVersion: 'strata/v1', kind: 'Flow', metadata: { name, version: '1' }, spec: { root } });
const fileOf = (doc: unknown): string => {
  const file = join(newTempDir(), 'doc.yaml');
  writeFileSync(file, typeof doc === 'string' ? doc : stringify(doc));
  return file;
};
const flowsNamed = async (name: string) => ((await svc.call('GET', '/v1/flows')).body.flows as Array<{ name: string }>).filter((f) => f.name === name);

describe.each(LEVELS)('a NUL written in a task, $name', (level) => {
  const at = level.prefix === '' ? 'spec.root.task' : 'spec.root.pod.flow.task';
  it.each([
    ['command', { image: 'alpine', command: ['echo', 'a\u0000b'] }, 'command[1]'],
    ['args', { image: 'alpine', command: ['echo'], args: ['ok', 'x\u0000'] }, 'args[1]'],
    ['env', { image: 'alpine', command: ['echo'], env: { E: 'x\u0000y' } }, 'env.E'],
    ['workingDir', { image: 'alpine', command: ['echo'], workingDir: '/tmp/a\u0000' }, 'workingDir'],
    ['a computed command', { image: 'alpine', command: ['echo', { cat: ['a', '\u0000'] }] }, 'command[1].cat[1]'],
  ])('in %s: POST /v1/runs 400, apply and plan exit 2, naming the field, nothing stored', async (d, task, field) => {
    const name = `nul-${level.prefix === '' ? 'macro' : 'pod'}`;
    const doc = flow(name, level.wrap({ task }));
    const r = await svc.call('POST', '/v1/runs', { flow: doc });
    expect(r.status, r.text).toBe(400);
    expect(r.body.error.message).toContain(`${at}.${field}: ${NUL}`);
    const file = fileOf(doc);
    for (const args of [['apply', file], ['plan', file, '--dry-run']]) {
      const p = await (d === 'command' ? runStrata : strataHere)(args, { STRATA_URL: svc.url });
      expect(p.code, `${args[0]}: ${p.stderr}`).toBe(2);
      expect(p.stderr).toContain(`${at}.${field}: ${NUL}`);
      expect(p.stderr).not.toContain('null bytes');
    }
    expect(await flowsNamed(name)).toEqual([]);
  });
});

describe.each(LEVELS)('a NUL a step writes, substituted into the next, $name', (level) => {
  it.each([
    ['command', (ref: string) => ({ image: 'alpine', command: ['echo', ref] }), 'command[1]'],
    ['env', (ref: string) => ({ image: 'alpine', command: ['sh', '-c', 'echo "$E"'], env: { E: ref } }), 'env.E'],
  ])('into %s: the step fails in strata\'s words naming the field, not Node\'s', async (_d, task, field) => {
    const use = `${level.prefix}use`;
    const ref = level.prefix === '' ? '{{ steps.gen.result }}' : '{{ steps["./gen"].result }}';
    const root = level.wrap({ sequence: [{ id: 'gen', task: { image: 'alpine', command: ['printf', 'a\\000b'], result: 'text' } }, { id: 'use', task: task(ref) }] });
    const r = await svc.runToEnd({ flow: flow('nul-out', root) });
    expect(r.status).toBe('failed');
    expect(r.steps[`${level.prefix}gen`].status).toBe('succeeded');
    expect(r.steps[use].status).toBe('failed');
    expect(r.steps[use].error).toContain(field);
    expect(r.steps[use].error).toContain(NUL);
    expect(r.steps[use].error).not.toContain('null bytes');
  }, 60_000);
});

describe('a NUL in an Argo document', () => {
  const argo = (container: object, extra: object = {}) => ({
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Workflow',
    metadata: { name: 'nul-argo' },
    spec: { entrypoint: 'main', templates: [{ name: 'main', container: { image: 'alpine', ...container }, ...extra }] },
  });
  it.each([
    ['a container\'s command', argo({ command: ['echo', 'a\u0000b'] }), 'template main, container.command[1]'],
    ['a container\'s args', argo({ command: ['echo'], args: ['a\u0000b'] }), 'template main, container.args[0]'],
    ['a container\'s env', argo({ command: ['echo'], env: [{ name: 'E', value: 'x\u0000' }] }), 'template main, container.env(E)'],
    ['a script\'s source', { ...argo({}), spec: { entrypoint: 'main', templates: [{ name: 'main', script: { image: 'alpine', command: ['sh'], source: 'echo a\u0000' } }] } }, 'template main, script'],
    ['an input\'s default, where it is substituted', argo({ command: ['echo', '{{inputs.parameters.m}}'] }, { inputs: { parameters: [{ name: 'm', default: 'a\u0000b' }] } }), 'template main, container.command[1]'],
  ])('in %s: import argo, apply exit 2 and POST /v1/runs 400 naming the template, no Node words', async (d, doc, field) => {
    const r = await svc.call('POST', '/v1/runs', stringify(doc), { 'content-type': 'application/yaml' });
    expect(r.status, r.text).toBe(400);
    expect(r.body.error.message).toContain(`${field}: ${NUL}`);
    const file = fileOf(doc);
    for (const args of [['import', 'argo', file], ['apply', file]]) {
      const p = await (d === 'a container\'s command' ? runStrata : strataHere)(args, { STRATA_URL: svc.url });
      expect(p.code, `${args[0]}: ${p.stderr}`).toBe(2);
      expect(p.stderr).toContain(`${field}: ${NUL}`);
    }
    expect(await flowsNamed('nul-argo')).toEqual([]);
  });
});
