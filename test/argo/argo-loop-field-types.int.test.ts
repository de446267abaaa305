/**
 * A loop field of the wrong type (Argo's: withItems a list, withParam text, withSequence a
 * map of whole numbers or text and a text format; pkg/apis/workflow/v1alpha1 WorkflowStep,
 * DAGTask, Sequence) is one problem, naming the field and what it must be. Before,
 * `withItems: 5` said zod's `expected array, received number` and then, the field left out
 * of the copy read on, a second, misleading problem: that the step's `{{item}}` is read
 * outside a loop. A step and a DAG task; `strata import argo` (one row as a process, the others in the test's process:
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
const newTempDir = useTempDirs('strata-argo-loop-types-');

/** A Workflow whose one step (or DAG task) loops with `loop` and passes `{{item}}` on. */
function looping(loop: Record<string, unknown>, dag: boolean): Record<string, unknown> {
  const call = { name: 'a', template: 'echo', arguments: { parameters: [{ name: 'x', value: '{{item}}' }] }, ...loop };
  const main = dag ? { name: 'main', dag: { tasks: [call] } } : { name: 'main', steps: [[call]] };
  const echo = { name: 'echo', inputs: { parameters: [{ name: 'x' }] }, container: { image: 'alpine', command: ['echo', '{{inputs.parameters.x}}'] } };
  return { apiVersion: 'argoproj.io/v1alpha1', kind: 'Workflow', metadata: { name: 'loop-types' }, spec: { entrypoint: 'main', templates: [main, echo] } };
}

const CASES: Array<[string, Record<string, unknown>, string, string]> = [
  ['withItems: 5', { withItems: 5 }, 'withItems', 'withItems must be a list of items (withItems: [a, b]), not the number 5'],
  ['withItems: a map', { withItems: { a: 1 } }, 'withItems', 'withItems must be a list of items (withItems: [a, b]), not a map'],
  ['withParam: 5', { withParam: 5 }, 'withParam', 'withParam must be text: a JSON list, or a reference that gives one ("{{steps.x.outputs.result}}"), not the number 5'],
  ['withParam: a list', { withParam: [1, 2] }, 'withParam', 'withParam must be text: a JSON list, or a reference that gives one ("{{steps.x.outputs.result}}"), not a list (a list written in the document goes in withItems)'],
  ['withSequence: 5', { withSequence: 5 }, 'withSequence', 'withSequence must be a map of count or end (and start, format), not the number 5'],
  ['withSequence.count: a list', { withSequence: { count: [3] } }, 'withSequence.count', 'withSequence.count must be a whole number (or text that gives one), not a list'],
  ['withSequence.format: 5', { withSequence: { count: 2, format: 5 } }, 'withSequence.format', 'withSequence.format must be text (a printf format such as "%02d"), not the number 5'],
];

describe.each([['a step', false], ['a DAG task', true]] as const)('%s whose loop field has the wrong type', (_, dag) => {
  const at = dag ? 'spec.templates[0](main).dag.tasks[0]' : 'spec.templates[0](main).steps[0][0]';

  it.each(CASES)('%s: one problem, naming the field and what it must be (HTTP 400)', async (_name, loop, field, message) => {
    const r = await svc.call('POST', '/v1/runs', looping(loop, dag));
    expect(r.status).toBe(400);
    expect(r.body.error.details.problems).toEqual([{ path: `body: ${at}.${field}`, message }]);
  });

  it('strata import argo says it in one line, exit 2, no stack trace', async () => {
    const dir = newTempDir();
    for (const [i, [name, loop, field, message]] of CASES.entries()) {
      const file = join(dir, `${name.replace(/\W+/g, '-')}.json`);
      writeFileSync(file, JSON.stringify(looping(loop, dag)));
      // The first row as a process (the command line's route), the others in this process (strataHere).
      const cli = i === 0 ? await runStrata(['import', 'argo', file]) : await strataHere(['import', 'argo', file]);
      expect({ name, code: cli.code, stderr: cli.stderr, stdout: cli.stdout }).toEqual({ name, code: 2, stderr: `strata: ${file}: ${at}.${field}: ${message}\n`, stdout: '' });
    }
  });
});
