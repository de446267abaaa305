/**
 * withSequence values Argo's strconv.Atoi could not read, or that no one means: a count below
 * 0 (Argo counts down from start for it), a fraction, a number past what strata counts
 * exactly, text that is no number, in count, start or end. Each is one problem naming the
 * field (as a loop field of the wrong type is: argo-loop-field-types.int.test.ts), where
 * `withSequence: {count: -1}` imported without a word and its loop counted 0, -1, -2. A value
 * a workflow parameter gives, known when the document is read, is held to the same. A step
 * and a DAG task; `strata import argo` (one row as a process, the others in the test's process:
 * test/support/strata-here.ts) and `POST /v1/runs`.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runStrata } from '../support/processes.ts';
import { strataHere } from '../support/strata-here.ts';
import { useTempDirs } from '../support/temp-dirs.ts';
import { useRunService } from '../support/use-run-service.ts';

const svc = useRunService();
const newTempDir = useTempDirs('strata-argo-seq-values-');

/** A Workflow whose one step (or DAG task) loops over `seq` and passes `{{item}}` on; `n` its parameter. */
function looping(seq: Record<string, unknown>, dag: boolean, n = '3'): Record<string, unknown> {
  const call = { name: 'a', template: 'echo', arguments: { parameters: [{ name: 'x', value: '{{item}}' }] }, withSequence: seq };
  const main = dag ? { name: 'main', dag: { tasks: [call] } } : { name: 'main', steps: [[call]] };
  const echo = { name: 'echo', inputs: { parameters: [{ name: 'x' }] }, container: { image: 'alpine', command: ['echo', '{{inputs.parameters.x}}'] } };
  return { apiVersion: 'argoproj.io/v1alpha1', kind: 'Workflow', metadata: { name: 'seq-values' }, spec: { entrypoint: 'main', arguments: { parameters: [{ name: 'n', value: n }] }, templates: [main, echo] } };
}

const WHOLE = 'must be a whole number (or text that gives one), not';
const EXACT = 'must be a whole number from -9007199254740991 to 9007199254740991 (what strata counts exactly), not';
const CASES: Array<[string, Record<string, unknown>, string, string]> = [
  ['count: -1', { count: -1 }, 'count', 'withSequence.count must be 0 or more (how many items), not -1'],
  ['count: "-5"', { count: '-5' }, 'count', 'withSequence.count must be 0 or more (how many items), not -5'],
  ['count: 1.5', { count: 1.5 }, 'count', `withSequence.count ${WHOLE} "1.5"`],
  ['count: "abc"', { count: 'abc' }, 'count', `withSequence.count ${WHOLE} "abc"`],
  ['count: 1e20', { count: 1e20 }, 'count', `withSequence.count ${EXACT} 100000000000000000000`],
  ['start: 2.5', { start: 2.5, end: 4 }, 'start', `withSequence.start ${WHOLE} "2.5"`],
  ['start: huge', { start: '99999999999999999999', count: 2 }, 'start', `withSequence.start ${EXACT} 99999999999999999999`],
  ['end: -1e20', { end: -1e20 }, 'end', `withSequence.end ${EXACT} -100000000000000000000`],
  ['end: "x1"', { end: 'x1' }, 'end', `withSequence.end ${WHOLE} "x1"`],
];

describe.each([['a step', false], ['a DAG task', true]] as const)('%s whose withSequence value cannot be counted', (_, dag) => {
  const at = dag ? 'spec.templates[0](main).dag.tasks[0]' : 'spec.templates[0](main).steps[0][0]';
  const where = 'template main, step a';

  it.each(CASES)('%s: one problem naming the field (HTTP 400)', async (_name, seq, field, message) => {
    const r = await svc.call('POST', '/v1/runs', looping(seq, dag));
    expect(r.status).toBe(400);
    expect(r.body.error.details.problems).toEqual([{ path: `body: ${at}.withSequence.${field}`, message }]);
  });

  // A workflow parameter may be given anew when the run is submitted (-p n=…): its value is read at the run.
  it('a count a workflow parameter gives below 0 fails the loop at the run, naming the step; 0 gives no items', async () => {
    const run = await svc.runToEnd(looping({ count: '{{workflow.parameters.n}}' }, dag, '-1'), { timeoutMs: 60_000 });
    expect(run.status).toBe('failed');
    expect(run.steps.a.error).toBe(`${where}, withSequence.count "{{workflow.parameters.n}}" gave "withSequence.count is -1: a count of items must be 0 or more", not a list`);
    expect(Object.values(run.steps).some((s) => s.item !== undefined)).toBe(false);
    const none = await svc.runToEnd(looping({ count: '{{workflow.parameters.n}}' }, dag, '0'), { timeoutMs: 60_000 });
    expect(none.status).toBe('succeeded');
  });

  it('negative start and end still count as Argo does (-1, 0, 1)', async () => {
    const run = await svc.runToEnd(looping({ start: -1, end: 1 }, dag), { timeoutMs: 60_000 });
    expect(run.status).toBe('succeeded');
    expect(Object.values(run.steps).filter((s) => s.item !== undefined).map((s) => s.item as number).sort((a, b) => a - b)).toEqual([-1, 0, 1]);
  });

  it('strata import argo says it in one line, exit 2, no stack trace', async () => {
    const dir = newTempDir();
    for (const [i, [name, seq, field, message]] of CASES.entries()) {
      const file = join(dir, `${name.replace(/\W+/g, '-')}.json`);
      writeFileSync(file, JSON.stringify(looping(seq, dag)));
      // The first row as a process (the command line's route), the others in this process (strataHere).
      const cli = i === 0 ? await runStrata(['import', 'argo', file]) : await strataHere(['import', 'argo', file]);
      expect({ name, code: cli.code, stderr: cli.stderr, stdout: cli.stdout }).toEqual({ name, code: 2, stderr: `strata: ${file}: ${at}.withSequence.${field}: ${message}\n`, stdout: '' });
    }
  });
});
