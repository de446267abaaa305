/**
 * Issue 12: a WorkflowTemplate's templates find their volumes in the Workflow that runs them,
 * as Argo's addVolumeReferences looks them up in woc.volumes (the running Workflow's
 * spec.volumes, joined with the WorkflowTemplate's only under workflowTemplateRef). So
 * `strata apply` takes a WorkflowTemplate whose mount names a volume in no list of its own
 * (Argo creates it); a Workflow running its templates by templateRef gives them its volumes,
 * and one lacking a volume they mount is refused when the run would start, naming the mount,
 * even when the WorkflowTemplate's own spec.volumes has it (Argo fails the pod: "volume 'x'
 * not found in workflow spec"). Through the real stack: `strata apply` and `strata runs
 * submit` as processes, POST /v1/runs, the local runtime.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RunView } from '../../src/run/run-view.ts';
import { submitRefused } from '../support/argo-refused.ts';
import { runStrata } from '../support/processes.ts';
import { cliEnv, useRunService } from '../support/use-run-service.ts';
import { argoFixtures } from '../support/documents.ts';
import { useTempDirs } from '../support/temp-dirs.ts';

const svc = useRunService();
const env = cliEnv(svc);
const { dir: DIR, read } = argoFixtures('wft-volumes');
const tempDir = useTempDirs('strata-wft-volumes-');

/** The run's distinct results that are not empty (a unit's step gives its root's again), sorted. */
function results(r: RunView): string[] {
  expect(r.status, r.error ?? JSON.stringify(r.steps).slice(0, 3000)).toBe('succeeded');
  return [...new Set(Object.values(r.steps).map((s) => s.result).filter((x): x is string => typeof x === 'string' && x !== ''))].sort();
}

/** The problems of a refused POST /v1/runs, one `path: message` a line. */
async function refused(doc: string): Promise<string> {
  const before = (await svc.call('GET', '/v1/runs')).body.runs.length;
  const r = await svc.call('POST', '/v1/runs', doc);
  expect(r.status, JSON.stringify(r.body)).toBe(400);
  expect((await svc.call('GET', '/v1/runs')).body.runs.length).toBe(before);
  return ((r.body.error.details?.problems ?? [{ path: '', message: r.body.error.message }]) as Array<{ path: string; message: string }>).map((p) => `${p.path}: ${p.message}`).join('\n');
}

/** caller.yaml without the volume `workspace` and shared-notes.yaml, both naming WorkflowTemplate `name` (not registered), written to files of their own, then both to one. */
async function lackingPair(name: string): Promise<string[]> {
  const dir = tempDir();
  const files = [join(dir, 'caller.yaml'), join(dir, 'notes.yaml'), join(dir, 'both.yaml')];
  const texts = [read('caller.yaml').replace('    - name: workspace\n      emptyDir: {}\n', '').replaceAll('shared-notes', name), read('shared-notes.yaml').replaceAll('shared-notes', name)];
  await Promise.all([writeFile(files[0], texts[0]), writeFile(files[1], texts[1]), writeFile(files[2], texts.join('---\n'))]);
  return files;
}

describe('a WorkflowTemplate\'s volumes are the running Workflow\'s (issue 12)', { timeout: 90_000 }, () => {
  it('strata apply takes a WorkflowTemplate whose mount names a volume in no list of its own', async () => {
    const r = await runStrata(['apply', join(DIR, 'shared-notes.yaml')], env);
    expect(r.code, r.stderr).toBe(0);
  });

  it('strata runs submit (a process): a Workflow with both volumes runs its templates by templateRef', async () => {
    const sub = await runStrata(['runs', 'submit', join(DIR, 'caller.yaml')], env);
    expect(sub.code, sub.stderr).toBe(0);
    expect(results(await svc.waitRun(/run (\S+) submitted/.exec(sub.stdout)![1], 60_000))).toEqual(['cached', 'note from a']);
  });

  it('a Workflow lacking a volume its templateRef\'d templates mount is refused naming each mount, though the WorkflowTemplate\'s spec.volumes has it (HTTP 400, exit 2)', async () => {
    const without = read('caller.yaml').replace('    - name: workspace\n      emptyDir: {}\n', '');
    const said = await refused(without);
    expect(said).toContain('WorkflowTemplate shared-notes, template notes, containerSet.volumeMounts[0](workspace): volume "workspace" is not in the running Workflow\'s spec.volumes (it has cache)');
    expect(said).toContain('volume \'workspace\' not found in workflow spec');
    expect(said).not.toContain('template solo');
    const none = await refused(read('caller.yaml').replace(/ {2}volumes:\n(.*\n){4}/, ''));
    expect(none).toContain('template notes, containerSet.volumeMounts[0](workspace)');
    expect(none).toContain('template solo, container.volumeMounts[0](cache): volume "cache" is not in the running Workflow\'s spec.volumes (it has none)');
    expect(await submitRefused(env, without)).toContain('template notes, containerSet.volumeMounts[0](workspace): volume "workspace" is not in the running Workflow\'s spec.volumes');
  });

  it('strata plan, apply and runs submit of a Workflow lacking a mounted volume, with its WorkflowTemplate in the files, refuse it before anything is registered (exit 2; a tester\'s pass: plan said nothing, apply and submit registered the WorkflowTemplate)', async () => {
    const flows = async () => ((await svc.call('GET', '/v1/flows')).body.flows as Array<{ name: string }>).map((f) => f.name).filter((n) => n.startsWith('lacking-notes'));
    const [caller, notes, both] = await lackingPair('lacking-notes');
    for (const args of [['plan', caller, notes], ['plan', both, '--dry-run'], ['apply', caller, notes], ['runs', 'submit', both]]) {
      const r = await runStrata(args, env);
      expect(r.code, `${args.join(' ')}: ${r.stdout}${r.stderr}`).toBe(2);
      expect(r.stderr).not.toMatch(/\n\s+at /);
      expect(r.stderr).toContain('WorkflowTemplate lacking-notes, template notes, containerSet.volumeMounts[0](workspace): volume "workspace" is not in the running Workflow\'s spec.volumes (it has cache)');
      expect(await flows()).toEqual([]);
    }
  });

  it('workflowTemplateRef joins the WorkflowTemplate\'s spec.volumes with the Workflow\'s: both runs; without the Workflow\'s, the mount of cache is refused; run whole (--from) the same', async () => {
    expect(results(await svc.runToEnd(read('by-ref.yaml')))).toEqual(['cached', 'note from a']);
    const lacking = await refused(read('by-ref.yaml').replace(/ {2}volumes:\n(.*\n){2}/, ''));
    expect(lacking).toContain('template solo, container.volumeMounts[0](cache): volume "cache" is not in the running Workflow\'s spec.volumes (it has workspace)');
    expect(lacking).not.toContain('template notes');
    const whole = await runStrata(['runs', 'submit', '--from', 'workflowtemplate/shared-notes'], env);
    expect(whole.code, whole.stdout).toBe(2);
    expect(whole.stderr).toContain('template solo, container.volumeMounts[0](cache): volume "cache" is not in the running Workflow\'s spec.volumes (it has workspace)');
  });
});
