/**
 * `strata import argo FILE...`, `strata apply FILE...` and `strata plan FILE... [--dry-run]`
 * run in the test's own process (its main thread, as the CLI's): the function the command's
 * route in src/cli/main.ts calls, with what main.ts writes around it (the output; `strata: `
 * and the error's words, then a limit's hint; the exit code it sets). For tables of documents
 * whose subject is what the importer or the compiler says of each: a row of each table keeps
 * the real process (runStrata), so the command line's route stays covered, and the other
 * rows do not start a process each (some 0.5 s of CPU a start, docs/performance.md).
 */
import { apiClient } from '../../src/cli/api-client.ts';
import { applyCommand } from '../../src/cli/apply-command.ts';
import { importCommand } from '../../src/cli/import-command.ts';
import { commandFailure, printable, simulatedRunFailure } from '../../src/cli/output.ts';
import { planOutput } from '../../src/cli/plan-command.ts';

/** What runStrata answers for `args` with `env` (STRATA_URL at most: a limit's variable would not reach loadLimits here), without a process. */
export async function strataHere(args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  const [command, ...all] = args;
  // `-p k=v` (plan, apply) and `--run` (apply) as the process reads them.
  const param: Record<string, string> = {};
  const rest: string[] = [];
  for (let i = 0; i < all.length; i++) {
    if (all[i] === '--flow' && command === 'plan' && all[i + 1] !== undefined) param['--flow'] = all[++i];
    else if (all[i] === '-p' && command !== 'import' && all[i + 1]?.includes('=')) {
      const kv = all[++i];
      param[kv.slice(0, kv.indexOf('='))] = kv.slice(kv.indexOf('=') + 1);
    } else rest.push(all[i]);
  }
  const flow = param['--flow'];
  delete param['--flow'];
  const params = { ...(Object.keys(param).length > 0 ? { param } : {}), ...(flow !== undefined ? { flow } : {}) };
  const run = command === 'apply' && rest.includes('--run');
  const files = rest.filter((a) => !(command === 'plan' && a === '--dry-run') && !(run && a === '--run'));
  const known = (command === 'import' && files[0] === 'argo' && files.length > 1) || ((command === 'apply' || command === 'plan') && files.length > 0);
  const options = files.filter((a) => a.startsWith('-'));
  const others = Object.keys(env).filter((k) => k !== 'STRATA_URL');
  if (!known || options.length > 0 || others.length > 0) throw new Error(`strataHere runs import argo, apply [--run] and plan [--dry-run] [--flow REF] of files [-p k=v] with STRATA_URL, not ${JSON.stringify(args)} with ${others.join(', ')}: start the process (runStrata)`);
  let stdout = '';
  let stderr = '';
  const out = (s: string): void => void (stdout += s.endsWith('\n') || s === '' ? s : `${s}\n`);
  const note = (s: string): void => void (stderr += `${printable(s, { lines: true })}\n`);
  try {
    if (command === 'import') out(await importCommand('argo', files.slice(1), {}));
    if (command === 'apply') return { code: await applyCommand(files, { param: 'param' in params ? params.param : undefined, ...(run ? { run } : {}) }, apiClient({ ...process.env, ...env }), out), stdout, stderr };
    if (command === 'plan') {
      const r = await planOutput(files, { format: 'json', ...params, ...(rest.includes('--dry-run') ? { dryRun: true } : {}), say: (s) => note(`strata: ${s}`) });
      out(r.text);
      if (r.failed !== undefined) {
        const failure = simulatedRunFailure(r.failed);
        return { code: failure.code, stdout, stderr: stderr + failure.stderr };
      }
    }
    return { code: 0, stdout, stderr };
  } catch (e) {
    const failure = commandFailure(e);
    return { code: failure.code, stdout, stderr: stderr + failure.stderr };
  }
}
