/**
 * Each Argo fixture imported, run on the local runtime and checked by its outputs and its
 * order. Pending: the flows the importer writes use the constructs of issue 12 part 1
 * (substitution, `result: stdout`, named outputs, `continueOn`, `depends`, `retry`,
 * `onExit`, `range`, unit inputs and outputs, private paths), which strata's validation on
 * main does not accept yet; each becomes a real run once they land.
 */
import { describe, it } from 'vitest';

const PENDING = 'needs the issue 12 part 1 constructs on main';

describe(`Argo workflows run on the local runtime (${PENDING})`, () => {
  it.todo('hello.yaml: one step, its standard output "hello from strata" as its result');
  it.todo('steps-params.yaml: first, then second and loop/0, loop/1 after it; second says "hello again"');
  it.todo('dag.yaml: a, then b and c; c fails, report runs on c.Failed; unused is skipped (not a target)');
  it.todo('loops.yaml: fruits items say "apple is red", "lime is green"; each goes over list\'s ["x","y"]; numbered 1..3; formatted file-01..03');
  it.todo('script.yaml: add prints 42 from its source file; show says result=42');
  it.todo('artifacts.yaml: make/write writes /tmp/out.txt privately; read finds it at /mnt/in/data.txt and says bird');
  it.todo('failures.yaml: flaky succeeds on attempt 2 after a back-off; broken fails and after still runs; the exit handler reads the status');
  it.todo('container-set.yaml: prepare before main in one pod; show says done');
  it.todo('template-ref.yaml: the WorkflowTemplate registered as greetings.greet@argo-…; hi says "hello strata"; runs-template says "hello argo"');
  it.todo('expressions.yaml: big runs (size 42 > 10) and says "size 42"; small is skipped');
  it.todo('lenient.yaml: one and two printed');
  it.todo('recursion.yaml: 3, then again/say 2, then again/again/say 1; the next again is skipped');
});
