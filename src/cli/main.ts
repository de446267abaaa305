/** The `strata` command line. Only this file exits the process. */
import { Command } from 'commander';
import { exitCode, toStrataError } from '../errors/strata-error.ts';
import { planCommand } from './plan-command.ts';

const program = new Command();
program.name('strata').description('one flow language and one pattern engine for pods and the containers inside them').showHelpAfterError();

program
  .command('plan')
  .description('compile a Flow into a plan (json, dot, mermaid) or simulate it with --dry-run')
  .argument('<files...>', 'YAML or JSON files; the first Flow is planned, the others serve its `use` nodes')
  .option('-f, --format <format>', 'json | dot | mermaid', 'json')
  .option('--dry-run', 'print the order in which steps would start, one tick a line')
  .option('--flow <ref>', 'plan this name@version instead of the first Flow')
  .action((files: string[], opts: { format: string; dryRun?: boolean; flow?: string }) => {
    process.stdout.write(planCommand(files, opts));
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
