/** The `strata` command line. Only this file exits the process. */
import { Command } from 'commander';
import { exitCode, toStrataError } from '../errors/strata-error.ts';
import { apiClient } from './api-client.ts';
import { applyCommand } from './apply-command.ts';
import { manifestsCommand } from './manifests-command.ts';
import { planCommand } from './plan-command.ts';
import { operatorCommand, serveCommand, workerCommand } from './process-commands.ts';
import { summarize } from './watch.ts';

const out = (s: string): void => void process.stdout.write(s.endsWith('\n') ? s : `${s}\n`);
const program = new Command();
program.name('strata').description('one flow language and one pattern engine for pods and the containers inside them').showHelpAfterError();

program.command('up').description('API, coordinator and a worker in one process; a local Redis when REDIS_URL is unset').action(() => serveCommand(true));
program.command('serve').description('the API and the coordinator (run workers with `strata worker`)').action(() => serveCommand(false));
program.command('worker').description('step workers: take step jobs from Redis and run their pods').action(() => workerCommand());
program.command('operator').description('the Kubernetes operator: reconcile strata.dev Datasets, Rules and Flows (in-cluster config or KUBECONFIG)').action(() => operatorCommand());

program
  .command('plan')
  .description('compile a Flow, or the flow rules generate for a Dataset, into a plan (json, dot, mermaid), or simulate it with --dry-run')
  .argument('<files...>', 'YAML or JSON files; the first Flow is planned, the others serve its `use` nodes')
  .option('-f, --format <format>', 'json | dot | mermaid', 'json')
  .option('--dry-run', 'print the order in which steps would start, one tick a line')
  .option('--flow <ref>', 'plan this name@version instead of the first Flow')
  .action(async (files: string[], opts: { format: string; dryRun?: boolean; flow?: string }) => out(await planCommand(files, opts)));

program
  .command('apply')
  .description('send Flows, Rules and Datasets to a running strata (STRATA_URL, STRATA_TOKEN)')
  .argument('<files...>', 'YAML or JSON files, several documents each')
  .option('--run', 'run each Dataset (or each Flow when there is no Dataset)')
  .option('--watch', 'follow the runs live until they end; exit 1 when one fails')
  .action(async (files: string[], opts: { run?: boolean; watch?: boolean }) => {
    process.exitCode = await applyCommand(files, opts, apiClient(), out);
  });

program
  .command('runs')
  .description('list runs, or show one')
  .argument('[id]', 'a run id')
  .option('--json', 'print the run as JSON')
  .action(async (id: string | undefined, opts: { json?: boolean }) => {
    const client = apiClient();
    if (!id) {
      const { runs } = await client.call('GET', '/v1/runs');
      for (const r of runs) out(`${r.id}  ${r.status.padEnd(9)}  ${r.createdAt}  ${r.flow}`);
      return;
    }
    const run = await client.call('GET', `/v1/runs/${encodeURIComponent(id)}`);
    out(opts.json ? JSON.stringify(run, null, 2) : summarize(run));
  });

program
  .command('logs')
  .description("a step's logs")
  .argument('<run>', 'run id')
  .argument('<step>', 'step id')
  .action(async (run: string, step: string) => {
    process.stdout.write(await apiClient().text(`/v1/runs/${encodeURIComponent(run)}/steps/${step.split('/').map(encodeURIComponent).join('/')}/logs`));
  });

program
  .command('manifests')
  .description('the Kubernetes Pods the flow\'s steps would become, as YAML')
  .argument('<files...>', 'YAML or JSON files; the first Flow is used')
  .option('--namespace <ns>', 'namespace of the pods', 'strata')
  .action(async (files: string[], opts: { namespace: string }) => out(await manifestsCommand(files, opts)));

// A reader that goes away (`strata runs | head`) is not an error.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(0);
});

async function main(): Promise<void> {
  try {
    await program.parseAsync(process.argv);
  } catch (e) {
    const err = toStrataError(e);
    process.stderr.write(`strata: ${err.message}\n`);
    process.exitCode = exitCode(err.code);
  }
}

await main();
