/**
 * Issue 13, fault 9: outputs are regular files. A result.json or a declared output that is
 * a symbolic link, a FIFO or a device is refused with a sentence naming it, at both levels
 * (a macro task, a container inside a pod), and is never read through: the recorded
 * result and the next step's inputs never come from another file.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { flowDoc, shTask } from '../support/documents.ts';
import { startRunService, type RunTestService } from '../support/run-service.ts';
import { useTempDirs } from '../support/temp-dirs.ts';

const newTempDir = useTempDirs('strata-outside-');

const outside = newTempDir();
const secret = join(outside, 'secret.json');
writeFileSync(secret, '{"secret":"not yours"}');

let svc: RunTestService;
beforeAll(async () => {
  svc = await startRunService();
});
afterAll(async () => {
  await svc?.close();
});

const run = (root: unknown) => svc.runToEnd({ flow: flowDoc(root, 'outputs') }, { timeoutMs: 30_000 });

const reader = { id: 'reader', task: { ...shTask('cat "$STRATA_INPUTS/in"; cp "$STRATA_INPUTS/in" "$STRATA_OUTPUTS/result.json"'), inputs: { in: 'writer:out' } } };
const asPod = (task: unknown) => ({ id: 'p', pod: { flow: { sequence: [{ id: 'writer', task }, { ...reader, task: { ...reader.task, inputs: { in: './writer:out' } } }] } } });

const cases: Array<[string, string, RegExp]> = [
  ['a result.json that is a symbolic link', `ln -s ${secret} "$STRATA_OUTPUTS/result.json"`, /result\.json is a symbolic link/],
  ['a declared output that is a symbolic link', `ln -s ${secret} "$STRATA_OUTPUTS/out"`, /output "out" is a symbolic link/],
  ['a declared output that is a FIFO', 'mkfifo "$STRATA_OUTPUTS/out"', /output "out" is a FIFO/],
  ['a declared output that is a device', 'mknod "$STRATA_OUTPUTS/out" c 1 3 || ln -s /dev/null "$STRATA_OUTPUTS/out"', /output "out" is (a device|a symbolic link)/],
  ['an outputs directory replaced by a link to another directory', `rm -r "$STRATA_OUTPUTS" && ln -s ${outside} "$STRATA_OUTPUTS" && cp ${secret} ${outside}/out`, /STRATA_OUTPUTS .*is a symbolic link|is not the directory/],
];

describe('outputs that are not regular files', () => {
  describe.each([
    ['macro task', (script: string) => ({ sequence: [{ id: 'writer', task: { ...shTask(script), outputs: ['out'] } }, reader] }), 'writer'],
    ['container inside a pod', (script: string) => asPod({ ...shTask(script), outputs: ['out'] }), 'p/writer'],
  ])('%s', (_level, flow, writer) => {
    it.each(cases)('%s is refused with a sentence, and nothing reads through it', async (_what, script, error) => {
      const run1 = await run(flow(script));
      expect(run1.status).toBe('failed');
      expect(run1.steps[writer].status).toBe('failed');
      expect(run1.steps[writer].error).toMatch(error);
      expect(JSON.stringify(run1)).not.toContain('not yours');
      const readerId = writer.replace('writer', 'reader');
      // It never started, and says so (issue 8 item 5: none stays pending in a finished run).
      expect(run1.steps[readerId]).toMatchObject({ status: 'skipped', error: `not started: step ${writer} failed` });
    });
  });
});

describe('an undeclared output that is a link, named as the next step\'s input', () => {
  const link = `ln -s ${secret} "$STRATA_OUTPUTS/out"`;
  it('macro: the writer\'s outputs are refused when kept', async () => {
    const r = await run({ sequence: [{ id: 'writer', task: shTask(link) }, reader] });
    expect(r.steps.writer.error).toMatch(/output "out" is a symbolic link/);
    expect(JSON.stringify(r)).not.toContain('not yours');
  });

  it('micro: the reader refuses to copy it', async () => {
    const r = await run(asPod(shTask(link)));
    expect(r.steps['p/reader'].status).toBe('failed');
    expect(r.steps['p/reader'].error).toMatch(/input "in" \(output "out" of step p\/writer\) is a symbolic link/);
    expect(JSON.stringify(r)).not.toContain('not yours');
  });
});
