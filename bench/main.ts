/**
 * `npm run bench`: every benchmark of the project in one run, each figure beside what it
 * is compared with, and the machine it ran on. Not a test: nothing here asserts.
 */
import { cpus, loadavg, totalmem } from 'node:os';
// Each section's module is loaded when it runs: a name that is no section is refused
// before any is loaded, and the first section runs with only its own modules loaded.

interface Figure {
  name: string;
  value: number;
  unit: string;
}

// Other work shares the machine: the load average is printed beside each section's figures.
const load = () => loadavg().map((l) => l.toFixed(2)).join(' ');
const print = (title: string, figures: Figure[]) => {
  console.log(`\n## ${title} (load average after: ${load()})`);
  for (const f of figures) console.log(`${f.name.padEnd(60)} ${Number.isNaN(f.value) ? '' : Number.isInteger(f.value) ? f.value : f.value.toFixed(2)} ${f.unit}`);
};

console.log(`machine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, ${new Date().toISOString()}`);
const only = process.argv.slice(2);
// Every section a name may ask for: a name that is none of them (a typo) would run nothing and print nothing.
const SECTIONS = ['dataset', 'flow', 'dryrun', 'real', 'runs', 'workers', 'sse', 'ui', 'cli', 'quarterback', 'millionplan', 'million', 'bigrun', 'treerun'];
const unknown = only.filter((n) => !SECTIONS.includes(n));
if (unknown.length > 0) {
  process.stderr.write(`bench: no section ${unknown.map((n) => JSON.stringify(n)).join(', ')}; the sections are ${SECTIONS.join(', ')} (none named: all but million and treerun)\n`);
  process.exit(2);
}
const want = (name: string) => only.length === 0 || only.includes(name);
// Minutes each: run only when named (`npm run bench -- million`, `npm run bench -- treerun`).
// (`millionplan`, the million-step plan without its run, is in the default run.)
const named = (name: string) => only.includes(name);
// The dataset figure first, on a fresh heap: it is the one most sensitive to what ran before it.
if (want('dataset')) print('data builds the system: 100,000-node tree Dataset to a stored plan (issue 3)', await (await import('./dataset-bench.ts')).datasetBench());
if (want('flow')) print('flow language: 100,000-step hierarchy (issue 2)', (await (await import('./flow-bench.ts')).flowBench()) as Figure[]);
if (want('dryrun')) print('dry run: examples, unknowable data, random flows of up to 10,000 steps (issue 8)', await (await import('./dry-run-bench.ts')).dryRunBench());
if (want('real')) print('real steps: `task: { command: [true] }` on the local runtime against bare spawns of `true` (issue 9)', await (await import('./real-steps-bench.ts')).realStepsBench());
if (want('runs')) print('runs: strata against bare BullMQ on one Redis (issue 4 a-c)', await (await import('./runs-bench.ts')).runsBench());
if (want('workers')) print('worker processes on one Redis: 1, 2, 4 `strata worker` processes x 10, no-op and real fan-outs (issue 9)', await (await import('./workers-bench.ts')).workersBench());
if (want('sse')) print('server-sent events: Redis commands/s of 100 idle viewers of one run (issue 11)', await (await import('./sse-bench.ts')).sseBench());
if (want('ui')) print('web UI: run pages of 10,000 steps in headless Chromium (issue 11)', await (await import('./ui-bench.ts')).uiBench());
if (want('cli')) print('command line: a call from spawn to exit (issue 10)', await (await import('./cli-bench.ts')).cliBench());
if (want('quarterback')) print('quarterback: 200 containers against bare spawn (issue 4 d)', (await (await import('./quarterback-bench.ts')).quarterbackBench()) as Figure[]);
// The million-step plan's compile and dry run alone (a minute or so); `million` adds its run.
if (want('millionplan') && !named('million')) print('a million steps: plan compiled and dry-run (issue 9)', await (await import('./scale-bench.ts')).millionBench(1_000_000, console.log, { run: false }));
if (named('million')) print('a million steps: plan compiled and dry-run, then run to the end with the no-op runtime (issue 9)', await (await import('./scale-bench.ts')).millionBench());
if (want('bigrun')) print('a big Argo loop read: GET /v1/runs/:id and strata runs get over 20,000 items (Argo tester 7, R12)', await (await import('./big-run-bench.ts')).bigRunBench());
if (named('treerun')) print('a 100,000-node tree Dataset run end to end on the local runtime, a no-op program a step (issue 9)', await (await import('./scale-bench.ts')).treeRunBench());
