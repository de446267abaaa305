/**
 * The `strata` command line. Only this file exits the process. Each command loads what it
 * needs when it runs (the server's parts, YAML, the compiler), so a call that only asks
 * the API starts in a fraction of the time the whole program would take to load.
 */
import { readFileSync } from 'node:fs';
import { Command, CommanderError, Option } from 'commander';
import { exitCode, isTransientRedisError, redisFaultSentence } from '../errors/strata-error.ts';
import type { Config } from '../app/config.ts';
import { apiClient } from './api-client.ts';
import { LIMIT_VARIABLES } from '../flow/limits.ts';
import { collectLabel, collectParam } from './params.ts';
import { commandFailure, printable, simulatedRunFailure } from './output.ts';

const out = (s: string): void => void process.stdout.write(s.endsWith('\n') || s === '' ? s : `${s}\n`);
const note = (s: string): void => void process.stderr.write(`${printable(s, { lines: true })}\n`);
// src/cli/main.ts, or dist/src/cli/main.js once built: package.json is two or three levels up.
const version = (JSON.parse(readFileSync(new URL(import.meta.url.includes('/dist/src/') ? '../../../package.json' : '../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
const output = () => new Option('-o, --output <format>', 'table (default), wide, json, yaml or name');
const param = () => new Option('-p, --param <key=value>', 'a parameter (repeatable); for a strata flow a value that reads as JSON is JSON, for an Argo Workflow text').argParser(collectParam);
const paramFile = () => new Option('-f, --parameter-file <file>', 'as argo submit: a YAML or JSON map of name: value parameters, read as -p values are; -p wins over it');
const target = () => new Option('--target <step>', 'run only this step and what it depends on (repeatable: DAG targets)').argParser((v: string, all: string[] = []) => [...all, v]);

const program = new Command();
program.name('strata').description('one flow language and one pattern engine for pods and the containers inside them').version(version, '-v, --version').showHelpAfterError();
// A usage error (an argument left out, an unknown option or command) is thrown, not exited
// with commander's 1: main() ends it with exit 2, the code of every refusal of what was asked
// (invalid_request), so a script tells it from a run that failed (1). Subcommands made after
// this line inherit it.
program.exitOverride();

/**
 * What `--help` adds for a command that reads the configuration (src/app/config.ts): it takes
 * no flags for it, so its help says where the settings are; `service`: the process's own
 * variables too, beside the size limits every command that plans applies.
 */
const configHelp = (service: boolean): string =>
  `\nThis command is configured by environment variables, not flags (README, "environment"), each checked at start (a bad value stops it, exit 2, naming it)${service ? ': PORT, HOST, REDIS_URL, STRATA_HOME, STRATA_RUNTIME, STRATA_API_TOKENS, STRATA_WORKER_CONCURRENCY, ...' : ''}; the size limits: ${Object.values(LIMIT_VARIABLES).join(', ')}, STRATA_MAX_BODY_BYTES, STRATA_MAX_PARAMS_KEYS, STRATA_MAX_PARAMS_BYTES (docs/flow-language.md#limits).`;

/**
 * What `--help` adds for a command that sends documents to a running strata (`apply`, `runs
 * submit`): which side applies the size limits. The service applies its own to what it
 * receives; the command reads files within its own STRATA_MAX_BODY_BYTES and checks `checked`
 * first with its own STRATA_MAX_* (a refusal names the side: limitHint's `where`); `rest`: what
 * only the service checks.
 */
const sendsHelp = (checked: string, rest = ''): string =>
  `\nSize limits: the strata service applies its own size limits (STRATA_MAX_RUN_STEPS and the others of docs/flow-language.md#limits, set in its environment) to what it receives, and its refusal says to raise them there. This command reads each file within STRATA_MAX_BODY_BYTES of its own environment and, before sending anything, checks ${checked} with the STRATA_MAX_* of this command's environment (a refusal then says so; set them as the service's where those are raised)${rest}.`;

/**
 * A long-running process: its configuration is read first, so a bad one is said before the
 * server's modules load (a second of CPU); once it has stopped (a signal), it exits,
 * whatever handles a dropped Redis connection left open.
 */
const untilStopped = (run: (m: typeof import('./process-commands.ts'), config: Config) => Promise<void>) => async () => {
  const config = (await import('../app/config.ts')).loadConfig();
  await run(await import('./process-commands.ts'), config);
  process.exit(process.exitCode ?? 0);
};
program.command('up').description('API, coordinator and a worker in one process; a local Redis when REDIS_URL is unset').addHelpText('after', configHelp(true)).action(untilStopped((m, config) => m.serveCommand(true, config)));
program.command('serve').description('the API and the coordinator (run workers with `strata worker`)').addHelpText('after', configHelp(true)).action(untilStopped((m, config) => m.serveCommand(false, config)));
program.command('worker').description('step workers: take step jobs from Redis and run their pods').addHelpText('after', configHelp(true)).action(untilStopped((m, config) => m.workerCommand(config)));
program.command('operator').description('the Kubernetes operator: reconcile strata.dev Datasets, Rules and Flows (in-cluster config or KUBECONFIG)').addHelpText('after', configHelp(true)).action(untilStopped((m, config) => m.operatorCommand(config)));

program
  .command('plan')
  .addHelpText('after', configHelp(false))
  .description('compile a Flow, or the flow rules generate for a Dataset, into a plan (json, dot, mermaid), or simulate it with --dry-run')
  .argument('<files...>', 'YAML or JSON files; the main flow (the first no other Flow uses, or the first Argo Workflow) is planned, the others serve its `use` nodes')
  .option('-f, --format <format>', 'json | dot | mermaid', 'json')
  .option('--dry-run', 'print the order in which steps would start, one tick a line')
  .option('--flow <ref>', 'plan this name@version instead of the main flow (the first no other Flow in the files uses)')
  .addOption(param())
  .addOption(target())
  .action(async (files: string[], opts: { format: string; dryRun?: boolean; flow?: string; param?: Record<string, string>; target?: string[] }) => {
    const r = await (await import('./plan-command.ts')).planOutput(files, { ...opts, say: (s) => note(`strata: ${s}`) });
    out(r.text);
    if (r.failed !== undefined) {
      // The order up to the failure is printed above; the exit code says the run would fail.
      const failure = simulatedRunFailure(r.failed);
      process.stderr.write(failure.stderr);
      process.exitCode = failure.code;
    }
  });

program
  .command('apply')
  .description('send Flows, Rules and Datasets to a running strata (STRATA_URL, STRATA_TOKEN)')
  .addHelpText('after', sendsHelp('every document'))
  .argument('<files...>', 'YAML or JSON files, several documents each')
  .option('--run', 'after registering everything, run each Dataset (or, with none, the main flow: the one plan picks)')
  .option('--watch', 'follow the runs live until they end; exit 1 when one fails')
  .option('--flow <ref>', 'with --run: run this name@version instead of the main flow')
  .addOption(param())
  .addOption(paramFile())
  .addOption(target())
  .action(async (files: string[], opts: { run?: boolean; watch?: boolean; flow?: string; param?: Record<string, string>; parameterFile?: string; target?: string[] }) => {
    const param = await (await import('./params.ts')).withParameterFile(opts.parameterFile, opts.param);
    process.exitCode = await (await import('./apply-command.ts')).applyCommand(files, { ...opts, param }, apiClient(), out);
  });

const runs = program.command('runs').description('list, inspect, follow and act on runs (`strata runs RUN` is `strata runs get RUN`)');
runs
  .command('list', { isDefault: true })
  .description('runs, newest first')
  .argument('[run]', 'a run id: show that run (as `runs get`)')
  .option('-l, --selector <selector>', 'label selector: team=analytics,env!=prod')
  .option('--status <status>', 'pending, running, succeeded, failed, cancelled (comma-separated)')
  .option('--flow <name>', 'runs of this flow (name or name@version)')
  .option('--dataset <name>', 'runs made from this Dataset')
  .option('--limit <n>', 'at most this many (100)')
  .option('-A, --all', 'every page')
  .option('--json', 'same as -o json')
  .addOption(output())
  .action(async (id: string | undefined, o: Record<string, string | boolean>) => {
    const m = await import('./runs-commands.ts');
    const opts = { ...o, output: o.json ? 'json' : (o.output as string | undefined) };
    if (id) return m.getRun(apiClient(), id, opts, out);
    return m.listRuns(apiClient(), opts, out);
  });
runs.command('get').description('a run: its steps as a tree with statuses, durations and progress (a run of more than 1,000 steps: the first 1,000 and counts by status)').argument('<run>')
  .option('-A, --all', 'every step of a big run')
  .addOption(output())
  .action(async (id: string, o: { output?: string; all?: boolean }) => (await import('./runs-commands.ts')).getRun(apiClient(), id, o, out));
runs.command('watch').description('follow a run live until it ends (reconnects with Last-Event-ID); exit 1 unless it succeeds').argument('<run>')
  .action(async (id: string) => {
    process.exitCode = await (await import('./runs-commands.ts')).watch(apiClient(), id, out, note);
  });
runs.command('submit').description('start a run of a Flow file, or of a registered flow with --use').argument('[file]', 'a file holding a Flow, an Argo Workflow, or an Argo WorkflowTemplate (its entrypoint runs)')
  .addHelpText('after', sendsHelp('an Argo document, whose templates it registers before the run starts,', '; a strata Flow file and --use are checked by the service alone'))
  .option('--use <ref>', 'a registered flow: name@version, or name for the version registered last')
  .option('--from <kind/name>', 'as argo submit --from: workflowtemplate/NAME runs that WorkflowTemplate\'s entrypoint (the same as --use NAME)')
  .option('--entrypoint <template>', 'as argo submit --entrypoint: start the Argo Workflow (or the file\'s WorkflowTemplate, or the one --use/--from names) from this template')
  .addOption(param())
  .addOption(paramFile())
  .addOption(target())
  .option('-l, --label <key=value>', 'a label of the run (repeatable)', collectLabel)
  .option('--watch', 'follow the run until it ends')
  .action(async (file: string | undefined, o: { use?: string; from?: string; entrypoint?: string; param?: Record<string, string>; parameterFile?: string; target?: string[]; label?: Record<string, string>; watch?: boolean }) => {
    const param = await (await import('./params.ts')).withParameterFile(o.parameterFile, o.param);
    process.exitCode = await (await import('./runs-commands.ts')).submit(apiClient(), file, { ...o, param }, out, note);
  });
for (const verb of ['cancel', 'retry', 'resubmit', 'delete'] as const) {
  const what = { cancel: 'stop a run', retry: 'go on from the failure, succeeded steps kept', resubmit: 'a new run with the same flow, params and Dataset', delete: 'delete an ended run with its logs and artifacts' }[verb];
  const c = runs.command(verb).description(what).argument('<runs...>');
  if (verb === 'retry' || verb === 'resubmit') c.option('--watch', 'follow the run until it ends');
  c.action(async (ids: string[], o: { watch?: boolean }) => {
    const m = await import('./runs-commands.ts');
    for (const id of ids) {
      const target = await m.act(apiClient(), verb, id, out);
      if (o.watch) process.exitCode = (await m.watch(apiClient(), target, out, note)) || process.exitCode;
    }
  });
}

program
  .command('logs')
  .description("a step's logs, or every step's, each line prefixed by its step")
  .argument('<run>', 'run id')
  .argument('[step]', 'step id (every step when none)')
  .option('-f, --follow', 'keep printing as the steps write, until the run ends')
  .action(async (run: string, step: string | undefined, o: { follow?: boolean }) => (await import('./logs-command.ts')).logsCommand(apiClient(), run, step, o, (s) => void process.stdout.write(s)));

for (const kind of ['rules', 'flows', 'datasets', 'generators', 'schedules'] as const) {
  const k = program.command(kind).description(`${kind} on a running strata`);
  k.command('list', { isDefault: true }).description(`every ${kind.slice(0, -1)}`).addOption(output())
    .action(async (o: { output?: string }) => (await import('./definitions-commands.ts')).listKind(apiClient(), kind, o, out));
  k.command('get').description(`one ${kind.slice(0, -1)}${kind === 'flows' ? ' (name or name@version)' : ''}`).argument('<name>').addOption(output())
    .action(async (name: string, o: { output?: string }) => (await import('./definitions-commands.ts')).getKind(apiClient(), kind, name, o, out));
  if (kind === 'rules' || kind === 'flows' || kind === 'schedules') {
    k.command('delete').description(`delete ${kind}${kind === 'flows' ? ' (every version of a name, or name@version; refused while a flow, rule, schedule or hook uses it)' : ''}`).argument('<names...>')
      .action(async (names: string[]) => (await import('./definitions-commands.ts')).deleteKind(apiClient(), kind, names, out));
  }
}

program
  .command('explain')
  .description('every rule tried for a Dataset, matched or not and why, and the plan that would result (exit 3 when none matched)')
  .argument('<file>', 'a file holding a Dataset')
  .addOption(output())
  .action(async (file: string, o: { output?: string }) => {
    process.exitCode = await (await import('./definitions-commands.ts')).explain(apiClient(), file, o, out);
  });

program
  .command('import')
  .description('print the strata flows that other documents become: `strata import argo FILE...` (Argo Workflows and WorkflowTemplates)')
  .argument('<kind>', 'argo')
  .argument('<files...>', 'YAML or JSON files of Argo documents')
  .addOption(new Option('-o, --output <format>', 'yaml (default) or json'))
  .action(async (kind: string, files: string[], o: { output?: string }) => out(await (await import('./import-command.ts')).importCommand(kind, files, o)));

program
  .command('manifests')
  .description('the Kubernetes Pods the flow\'s steps would become, as YAML')
  .argument('<files...>', 'YAML or JSON files; the first Flow is used')
  .option('--namespace <ns>', 'namespace of the pods', 'strata')
  .action(async (files: string[], opts: { namespace: string }) => out(await (await import('./manifests-command.ts')).manifestsCommand(files, opts)));

// A fault that escapes every handler still ends with a sentence, never a stack trace.
// Redis away, busy for now (BUSY past busy-reply-threshold, LOADING) or refusing writes for
// now (MISCONF, OOM: said as such, naming Redis's error) is no fault of
// the process: everything it does is in Redis and is taken up again once Redis answers
// (runs are due, jobs are stalled and taken over), so a long-running command says so and
// goes on rather than dying on a rejection some background task left unhandled.
for (const event of ['unhandledRejection', 'uncaughtException'] as const) {
  process.on(event, (e: unknown) => {
    if (isTransientRedisError(e)) {
      process.stderr.write(`strata: ${printable(redisFaultSentence(e))}; carrying on\n`);
      return;
    }
    process.stderr.write(`strata: internal error: ${printable(e instanceof Error ? e.message : String(e), { lines: true })}\n`);
    process.exit(1);
  });
}

// A reader that goes away (`strata runs | head`) is not an error.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(0);
});
// Nor is one of standard error gone (`strata plan F 2>&1 >/dev/null | head -1`): what is still to say there is
// dropped and the command ends with its own exit code. Unheard, the stream's error reached the handler above,
// which wrote to the same stream again, for ever (tester 13, test/cli/closed-output.int.test.ts).
process.stderr.on('error', () => undefined);

async function main(): Promise<void> {
  try {
    await program.parseAsync(process.argv);
  } catch (e) {
    // Commander has said what was wrong, and the usage; help and the version asked for end with 0.
    if (e instanceof CommanderError) {
      process.exitCode = e.exitCode === 0 ? 0 : exitCode('invalid_request');
      return;
    }
    const failure = commandFailure(e);
    process.stderr.write(failure.stderr);
    process.exitCode = failure.code;
  }
}

await main();
