/**
 * Re-applying an edited WorkflowTemplate updates it, as `kubectl apply` does (issue 12, Argo
 * tester's fault 15), through the `strata` CLI and HTTP against a real strata: templateRefs
 * resolve to the version applied last, runs in flight keep the version they started with, and
 * `strata flows delete` removes versions no longer meant (runs keep their plans).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { RunView } from '../../src/run/run-view.ts';
import { runStrata } from '../support/processes.ts';
import { argoFixtures } from '../support/documents.ts';
import { useTempDirs } from '../support/temp-dirs.ts';
import { cliEnv, useRunService } from '../support/use-run-service.ts';

const FIXTURES = argoFixtures('environment').dir;
const fixture = (name: string): string => join(FIXTURES, name);

const svc = useRunService();
const env = cliEnv(svc);
const tempDir = useTempDirs('strata-reapply-');
let gates: string;
beforeAll(() => {
  gates = tempDir();
});

/** `strata ARGS` against the test's strata; fails the test unless it exits 0. */
async function strata(...args: string[]): Promise<string> {
  const r = await runStrata(args, env);
  expect(r.code, `strata ${args.join(' ')}: ${r.stdout}${r.stderr}`).toBe(0);
  return r.stdout;
}

/** Submit the caller with a gate file (open when `open`); the run id. */
async function submitCaller(gate: string): Promise<string> {
  const out = await strata('runs', 'submit', fixture('shared-text-caller.yaml'), '-p', `gate=${gate}`);
  return /run (\S+) submitted/.exec(out)![1];
}

/** The text the run's templateRef step printed. */
function decorated(run: RunView): unknown {
  expect(run.status, run.error ?? JSON.stringify(run.steps)).toBe('succeeded');
  return Object.entries(run.steps).find(([id]) => id.startsWith('call'))?.[1].result;
}

function openGate(name: string): string {
  const gate = join(gates, name);
  writeFileSync(gate, '');
  return gate;
}

describe('an edited WorkflowTemplate applied again (fault 15)', { timeout: 180_000 }, () => {
  it('replaces the one its templateRefs mean, through the CLI and HTTP; runs in flight keep theirs; flows delete removes old versions', async () => {
    await strata('apply', fixture('shared-text.yaml'));
    const open = openGate('open');
    expect(decorated(await svc.waitRun(await submitCaller(open), 90_000))).toBe('[hello]');

    // A run in flight on the first version: its step waits for its gate.
    const held = join(gates, 'held');
    const inFlight = await submitCaller(held);

    await strata('apply', fixture('shared-text-edited.yaml'));
    // Both versions stay registered; the one applied last is the flow's latest.
    const versions = await svc.call('GET', '/v1/flows/shared-text.decorate');
    expect(versions.body.versions).toHaveLength(2);
    const edits = (v: any) => (v.spec.root.task.command[2] as string).includes('"<$0>"');
    const [first, edited] = [versions.body.versions.find((v: any) => !edits(v)), versions.body.versions.find(edits)];
    expect(versions.body.latest).toBe(edited.metadata.version);

    // The CLI's submit and HTTP's POST /v1/runs both resolve the templateRef to the edit.
    expect(decorated(await svc.waitRun(await submitCaller(open), 90_000))).toBe('<hello>');
    const caller = (await import('node:fs')).readFileSync(fixture('shared-text-caller.yaml'), 'utf8').replace('arguments: { parameters: [{ name: gate }] }', `arguments: { parameters: [{ name: gate, value: "${open}" }] }`);
    const posted = await svc.call('POST', '/v1/runs', caller);
    expect(posted.status, JSON.stringify(posted.body)).toBe(202);
    expect(decorated(await svc.waitRun(posted.body.runId, 90_000))).toBe('<hello>');

    // The run that started before the edit keeps the version it started with.
    writeFileSync(held, '');
    expect(decorated(await svc.waitRun(inFlight, 90_000))).toBe('[hello]');

    // Applying the first document again makes it the one meant again, as kubectl apply would.
    await strata('apply', fixture('shared-text.yaml'));
    expect(decorated(await svc.waitRun(await submitCaller(open), 90_000))).toBe('[hello]');

    // flows delete: one version, then every version of the name; a name with none left is refused.
    expect(await strata('flows', 'delete', `shared-text.decorate@${edited.metadata.version}`)).toBe(`flow shared-text.decorate@${edited.metadata.version} deleted\n`);
    expect((await svc.call('GET', '/v1/flows/shared-text.decorate')).body).toMatchObject({ versions: [{ metadata: { version: first.metadata.version } }], latest: first.metadata.version });
    expect(await strata('flows', 'delete', 'shared-text.decorate')).toBe(`flow shared-text.decorate@${first.metadata.version} deleted\n`);
    expect((await svc.call('GET', '/v1/flows/shared-text.decorate')).status).toBe(404);
    const missing = await runStrata(['flows', 'delete', 'shared-text.decorate'], env);
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toMatch(/no flow named "shared-text.decorate"/);
  });
});
