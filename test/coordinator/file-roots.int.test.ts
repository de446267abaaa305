/**
 * Issue 13, fault 8: STRATA_FILE_ROOTS confines every file:// cycle source after its
 * links are resolved, at both levels: a macro cycle (read by the coordinator) and a cycle
 * inside a pod (read by the quarterback).
 */
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { flowDoc, shTask } from '../support/documents.ts';
import { startRunService, type RunTestService } from '../support/run-service.ts';
import { useTempDirs } from '../support/temp-dirs.ts';

const newTempDir = useTempDirs('strata-roots-');

const base = newTempDir();
const root = join(base, 'root');
const outside = join(base, 'outside');
mkdirSync(root);
mkdirSync(outside);
writeFileSync(join(outside, 'secret.jsonl'), '{"secret":"not yours"}\n');
writeFileSync(join(root, 'ok.jsonl'), '{"n":1}\n{"n":2}\n');
symlinkSync(join(outside, 'secret.jsonl'), join(root, 'link.jsonl'));
symlinkSync(outside, join(root, 'dir'));
symlinkSync(root, join(base, 'root-link'));

let svc: RunTestService;
beforeAll(async () => {
  // The root is named through a link of its own: roots are resolved too.
  svc = await startRunService({ STRATA_FILE_ROOTS: join(base, 'root-link') });
});
afterAll(async () => {
  await svc?.close();
});

const member = { id: 'm', task: shTask('cat "$STRATA_INPUTS/window" > "$STRATA_OUTPUTS/result.json"') };
const macro = (source: string) => ({ sequence: [{ id: 'ring', cycle: { ring: [member], source } }] });
const micro = (source: string) => ({ sequence: [{ id: 'p', pod: { flow: { id: 'ring', cycle: { ring: [member], source } } } }] });

const run = (root: unknown) => svc.runToEnd({ flow: flowDoc(root, 'roots') }, { timeoutMs: 30_000 });

describe.each([
  ['macro cycle', macro, 'ring'],
  ['cycle inside a pod', micro, 'p'],
])('STRATA_FILE_ROOTS, %s', (_level, flow, failing) => {
  it('reads a source inside a root', async () => {
    const r = await run(flow(`file://${join(root, 'ok.jsonl')}`));
    expect(r.status).toBe('succeeded');
    expect(JSON.stringify(r)).toContain('"n":2');
  });

  it.each([
    ['a link inside a root to a file outside', () => join(root, 'link.jsonl')],
    ['a path through a linked directory', () => join(root, 'dir', 'secret.jsonl')],
    ['a path that climbs out with ..', () => `${root}/../outside/secret.jsonl`],
    ['a file outside every root', () => join(outside, 'secret.jsonl')],
  ])('refuses %s', async (_what, path) => {
    const r = await run(flow(`file://${path()}`));
    expect(r.status).toBe('failed');
    expect(r.steps[failing].error).toMatch(/outside the directories this service reads \(STRATA_FILE_ROOTS\)/);
    expect(JSON.stringify(r)).not.toContain('not yours');
  });
});
