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

/**
 * The sections, in the order they run: a name, what its figures are, and how they are made
 * (its module loaded then). `named`: run only when named (minutes each: `npm run bench --
 * million`, `npm run bench -- treerun`); `unless`: not when that section is named too.
 */
const SECTIONS: { name: string; title: string; run: () => Promise<Figure[]>; named?: true; unless?: string }[] = [
  // The dataset figure first, on a fresh heap: it is the one most sensitive to what ran before it.
  { name: 'dataset', title: 'data builds the system: 100,000-node tree Dataset to a stored plan (issue 3)', run: async () => (await import('./dataset-bench.ts')).datasetBench() },
  { name: 'flow', title: 'flow language: 100,000-step hierarchy (issue 2)', run: async () => (await (await import('./flow-bench.ts')).flowBench()) as Figure[] },
  { name: 'dryrun', title: 'dry run: examples, unknowable data, random flows of up to 10,000 steps (issue 8)', run: async () => (await import('./dry-run-bench.ts')).dryRunBench() },
  { name: 'real', title: 'real steps: `task: { command: [true] }` on the local runtime against bare spawns of `true` (issue 9)', run: async () => (await import('./real-steps-bench.ts')).realStepsBench() },
  { name: 'runs', title: 'runs: strata against bare BullMQ on one Redis (issue 4 a-c)', run: async () => (await import('./runs-bench.ts')).runsBench() },
  { name: 'workers', title: 'worker processes on one Redis: 1, 2, 4 `strata worker` processes x 10, no-op and real fan-outs (issue 9)', run: async () => (await import('./workers-bench.ts')).workersBench() },
  { name: 'sse', title: 'server-sent events: Redis commands/s of 100 idle viewers of one run (issue 11)', run: async () => (await import('./sse-bench.ts')).sseBench() },
  { name: 'ui', title: 'web UI: run pages of 10,000 steps in headless Chromium (issue 11)', run: async () => (await import('./ui-bench.ts')).uiBench() },
  { name: 'cli', title: 'command line: a call from spawn to exit (issue 10)', run: async () => (await import('./cli-bench.ts')).cliBench() },
  { name: 'quarterback', title: 'quarterback: 200 containers against bare spawn (issue 4 d)', run: async () => (await (await import('./quarterback-bench.ts')).quarterbackBench()) as Figure[] },
  // The million-step plan's compile and dry run alone (a minute or so); `million` adds its run.
  { name: 'millionplan', title: 'a million steps: plan compiled and dry-run (issue 9)', unless: 'million', run: async () => (await import('./scale-bench.ts')).millionBench(1_000_000, console.log, { run: false }) },
  { name: 'million', title: 'a million steps: plan compiled and dry-run, then run to the end with the no-op runtime (issue 9)', named: true, run: async () => (await import('./scale-bench.ts')).millionBench() },
  { name: 'fuzz', title: 'the API fuzzed: 1,000 generated bad requests against `strata serve`, /healthz asked meanwhile (issue 13)', run: async () => (await import('./fuzz-bench.ts')).fuzzBench() },
  { name: 'bigrun', title: 'a big Argo loop read: GET /v1/runs/:id and strata runs get over 20,000 items (Argo tester 7, R12)', run: async () => (await import('./big-run-bench.ts')).bigRunBench() },
  { name: 'treerun', title: 'a 100,000-node tree Dataset run end to end on the local runtime, a no-op program a step (issue 9)', named: true, run: async () => (await import('./scale-bench.ts')).treeRunBench() },
];

console.log(`machine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, ${new Date().toISOString()}`);
const only = process.argv.slice(2);
// A name that is no section (a typo) would run nothing and print nothing: refused.
const unknown = only.filter((n) => !SECTIONS.some((s) => s.name === n));
if (unknown.length > 0) {
  process.stderr.write(`bench: no section ${unknown.map((n) => JSON.stringify(n)).join(', ')}; the sections are ${SECTIONS.map((s) => s.name).join(', ')} (none named: all but ${SECTIONS.filter((s) => s.named).map((s) => s.name).join(' and ')})\n`);
  process.exit(2);
}
for (const s of SECTIONS) {
  const wanted = s.named ? only.includes(s.name) : only.length === 0 || only.includes(s.name);
  if (wanted && !(s.unless !== undefined && only.includes(s.unless))) print(s.title, await s.run());
}
