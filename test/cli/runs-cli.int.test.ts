/** The CLI with argo and tkn habits, as real processes (the built bin) against a running strata. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { flowDoc, shTask } from '../support/documents.ts';
import { runStrata, until } from '../support/processes.ts';
import { startRunService, type RunTestService } from '../support/run-service.ts';
import { useTempDirs } from '../support/temp-dirs.ts';

// Each test's folder goes with the file (they were left in the temporary directory).
const tempDir = useTempDirs('strata-cli-');

let svc: RunTestService;
beforeAll(async () => {
  svc = await startRunService();
});
afterAll(async () => svc?.close());

const strata = (...args: string[]) => runStrata(args, { STRATA_URL: svc.url });
/** Each of these tests starts a dozen CLI processes one after another: on a shared, loaded machine that takes a while. */
const CLI_TEST_MS = 120_000;

async function submitted(...args: string[]): Promise<string> {
  const r = await strata('runs', 'submit', ...args);
  expect(r.stderr).toBe('');
  return /run (\S+) submitted/.exec(r.stdout)![1];
}

describe('strata runs', () => {
  it('submit -p -l --watch, list with filters and formats, get as a tree', async () => {
    const r = await strata('runs', 'submit', 'test/fixtures/cli/labelled-flow.yaml', '-p', 'n=2', '-p', 'who=me', '-l', 'env=prod', '--watch');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/✓ fan\/1 succeeded/);
    const id = /run (\S+) submitted/.exec(r.stdout)![1];
    expect(r.stdout).toMatch(new RegExp(`run ${id} succeeded: .*\\(4/4 steps\\)`));

    const json = JSON.parse((await strata('runs', 'list', '-l', 'team=analytics,env=prod', '--status', 'succeeded', '-o', 'json')).stdout);
    expect(json.runs.map((x: { id: string }) => x.id)).toEqual([id]);
    const yaml = (await strata('runs', 'list', '--flow', 'cli-flow', '-o', 'yaml')).stdout;
    expect(yaml).toContain(`id: ${id}`);
    const table = (await strata('runs', 'list', '--flow', 'cli-flow')).stdout.split('\n');
    expect(table[0]).toMatch(/^NAME\s+RUN\s+STATUS\s+AGE\s+DURATION\s+FLOW$/);
    expect(table[1]).toMatch(new RegExp(`^cli-flow\\s+${id}\\s+succeeded\\s+\\d+s\\s+\\S+\\s+cli-flow@1$`));
    expect((await strata('runs', 'list', '--flow', 'cli-flow', '-o', 'wide')).stdout).toMatch(/team=analytics,env=prod/);
    expect((await strata('runs', 'list', '--flow', 'cli-flow', '-o', 'name')).stdout).toBe(`${id}\n`);
    expect((await strata('runs', '--json', '--flow', 'cli-flow')).stdout).toContain(`"id": "${id}"`);

    const tree = (await strata('runs', 'get', id)).stdout;
    expect(tree).toMatch(/^Name:\s+cli-flow$/m);
    expect(tree).toMatch(/^Progress:\s+4\/4$/m);
    expect(tree).toMatch(/^Labels:\s+team=analytics,env=prod$/m);
    expect(tree).toMatch(/^✓ fan\s+succeeded/m);
    expect(tree).toMatch(/^ {2}✓ 1\s+succeeded\s+\S+\s+0\s+item "b"$/m);
    const short = (await strata('runs', id)).stdout; // `strata runs RUN` is `strata runs get RUN`
    expect(short.replace(/\(\d+\w ago\)/, '')).toBe(tree.replace(/\(\d+\w ago\)/, ''));
    expect(JSON.parse((await strata('runs', 'get', id, '-o', 'json')).stdout).steps.first.status).toBe('succeeded');

    const logs = (await strata('logs', id)).stdout;
    expect(logs).toContain('first: first n={"n":2,"who":"me"}\nfirst: second line\n');
    expect(logs).toContain('fan/0: item "a"\n');
    expect((await strata('logs', id, 'fan/1')).stdout).toBe('item "b"\n');
  }, CLI_TEST_MS);

  it('cancel, retry, resubmit, delete', async () => {
    const dir = tempDir();
    const file = join(dir, 'f.json');
    writeFileSync(file, JSON.stringify(flowDoc({ sequence: [{ id: 'once', task: shTask(`echo x >> ${dir}/count`) }, { id: 'gate', task: shTask(`test -f ${dir}/ok`) }] }, 'cli-retry')));
    const r = await strata('runs', 'submit', file, '--watch');
    expect(r.code).toBe(1);
    const id = /run (\S+) submitted/.exec(r.stdout)![1];
    writeFileSync(join(dir, 'ok'), '');
    const retried = await strata('runs', 'retry', id, '--watch');
    expect(retried.stdout).toMatch(new RegExp(`run ${id} retried: running`));
    expect(retried.code).toBe(0);
    expect((await import('node:fs')).readFileSync(join(dir, 'count'), 'utf8')).toBe('x\n');
    const again = await strata('runs', 'resubmit', id);
    const second = /run (\S+) submitted \(resubmit of/.exec(again.stdout)![1];
    await svc.waitRun(second);
    expect((await strata('runs', 'delete', id)).stdout).toBe(`run ${id} deleted\n`);
    const gone = await strata('runs', 'get', id);
    expect(gone.code).toBe(4);
    expect(gone.stderr).toBe(`strata: no run "${id}"\n`);

    writeFileSync(join(dir, 'slow.json'), JSON.stringify(flowDoc({ sequence: [{ id: 'wait', task: shTask('sleep 30') }] }, 'cli-slow')));
    const sid = await submitted(join(dir, 'slow.json'));
    expect((await strata('runs', 'cancel', sid)).stdout).toBe(`run ${sid} cancelled\n`);
    const del = await strata('runs', 'delete', 'nope-run');
    expect(del.code).toBe(4);
  }, CLI_TEST_MS);

  it('logs -f follows a running step to the end of its run', async () => {
    expect((await strata('apply', 'test/fixtures/cli/labelled-flow.yaml')).stdout).toBe('flow cli-flow@1 created\n');
    const id = await submitted('--use', 'cli-flow@1');
    const f = await strata('logs', id, '-f');
    expect(f.code).toBe(0);
    expect(f.stdout).toContain('first: second line\n');
    expect(f.stdout).toContain('fan/1: item "b"\n');
  }, CLI_TEST_MS);
});

describe('strata definitions', () => {
  it('rules, flows, datasets, generators list and get; explain', async () => {
    expect((await strata('apply', 'test/fixtures/cli/dataset.yaml', '--run')).code).toBe(0);
    expect((await strata('generators', 'list')).stdout).toMatch(/^hierarchy\s+traversal,direction,placement/m);
    expect(JSON.parse((await strata('generators', 'get', 'partition', '-o', 'json')).stdout).parameters.properties.map).toBeDefined();
    expect((await strata('rules', 'list')).stdout).toMatch(/^builtin-fallback\s+-?\d+\s+\S/m);
    expect((await strata('rules', 'get', 'builtin-fallback')).stdout).toMatch(/^kind: Rule$/m);
    expect((await strata('flows', 'list')).stdout).toMatch(/^cli-flow\s+1$/m);
    expect((await strata('flows', 'get', 'cli-flow@1', '-o', 'json')).stdout).toContain('"name": "cli-flow"');
    expect((await strata('datasets', 'list')).stdout).toMatch(/^cli-ds\s+table\s+cli-ds-plan@\S+\s+\d+s\s+team=analytics$/m);
    expect((await strata('datasets', 'get', 'cli-ds')).stdout).toMatch(/^runs:$/m);
    const ex = await strata('explain', 'test/fixtures/cli/dataset.yaml');
    expect(ex.code).toBe(0);
    expect(ex.stdout).toMatch(/^builtin-partitioned\s+-?\d+\s+matched/m);
    expect(ex.stdout).toMatch(/^chosen: builtin-partitioned -> \d+ steps$/m);
    expect((await strata('apply', 'test/fixtures/cli/schedule.yaml')).stdout).toBe('schedule cli-nightly created\n');
    await until('the scheduler to look at it', async () => (await svc.call('GET', '/v1/schedules/cli-nightly')).body.status.nextRunAt);
    expect((await strata('schedules', 'list')).stdout).toMatch(/^cli-nightly\s+0 2 \* \* \*\s+Europe\/Paris\s+cli-flow@1\s+Forbid\s+\d{4}-\d\d-\d\dT01:00:00.000Z/m);
    expect((await strata('schedules', 'get', 'cli-nightly', '-o', 'json')).stdout).toContain('"nextRunAt"');
    const missing = await strata('flows', 'get', 'nope');
    expect([missing.code, missing.stderr]).toEqual([4, 'strata: no flow named "nope"\n']);
  }, CLI_TEST_MS);

  it("shows a step's and a document's control characters escaped, never sent to the terminal (Argo tester 3, N13)", async () => {
    const loud = "printf '\\033]0;PWNED\\007\\033[31mred\\033[0m' >&2; exit 1";
    const r = await svc.call('POST', '/v1/runs', { flow: flowDoc({ id: 'loud', task: shTask(loud) }, 'loud') });
    expect(r.status).toBe(202);
    const run = await svc.waitRun(r.body.runId);
    expect(run.steps.loud.error).toContain('\x1b]0;PWNED');
    const tree = await strata('runs', 'get', run.id);
    expect(tree.stdout).toContain('\\x1b]0;PWNED\\x07\\x1b[31mred');
    expect(tree.stdout).not.toMatch(/[\x00-\x09\x0b-\x1f\x7f-\x9f]/);
    const dir = tempDir();
    writeFileSync(join(dir, 'f.yaml'), `apiVersion: strata/v1\nkind: Flow\nmetadata: {name: esc, version: "1"}\nspec: {root: {task: {image: alpine}, "x\\e[2J": 1}}\n`);
    const refused = await strata('plan', join(dir, 'f.yaml'));
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('\\x1b[2J');
    expect(refused.stderr).not.toMatch(/[\x00-\x09\x0b-\x1f\x7f-\x9f]/);
  });

  it('escapes a run\'s hostile texts (a label, a step\'s error) in runs list, runs get and the progress and summary of --watch; -o json keeps them exact as JSON escapes; logs prints the program\'s bytes as written', async () => {
    const RAW = /[\x00-\x09\x0b-\x1f\x7f-\x9f]/;
    const hostile = '\x1b]0;PWNED\x07\x1b[2J';
    const loud = `printf '${hostile.replace(/\x1b/g, '\\033').replace(/\x07/g, '\\007')}' >&2; exit 1`;
    const dir = tempDir();
    writeFileSync(join(dir, 'loud.json'), JSON.stringify(flowDoc({ sequence: [{ id: 'ok', task: shTask('echo fine') }, { id: 'loud', task: shTask(loud) }] }, 'hostile')));
    // A label is held to Kubernetes' rule now (src/flow/labels.ts): the hostile one is refused, and not echoed raw.
    const refused = await strata('runs', 'submit', join(dir, 'loud.json'), '-l', `team=${hostile}`);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('labels["team"]: must be a label value');
    expect(`${refused.stdout}${refused.stderr}`).not.toMatch(RAW);
    const watched = await strata('runs', 'submit', join(dir, 'loud.json'), '-l', 'team=x', '--watch');
    expect(watched.code, watched.stderr).not.toBe(0);
    // The progress lines and the summary name the failed step with its error, escaped.
    expect(watched.stdout).toContain('✗ loud failed: exited with code 1: \\x1b]0;PWNED\\x07\\x1b[2J');
    expect(watched.stdout).toContain('error: step loud failed: exited with code 1: \\x1b]0;PWNED\\x07\\x1b[2J');
    expect(watched.stdout).not.toMatch(RAW);
    expect(watched.stderr).not.toMatch(RAW);
    const id = /run (\S+) failed/.exec(watched.stdout)?.[1];
    expect(id, watched.stdout).toBeDefined();
    // A run stored before the rule may hold any label text: it stands in for one, written where a run keeps its labels.
    const redis = svc.redis.connect();
    await redis.hset(`${svc.prefix}:run:${id}`, 'labels', JSON.stringify({ team: hostile }));
    for (const args of [['runs', 'list', '-o', 'wide'], ['runs', 'list', '-l', 'team'], ['runs', 'get', id!], ['runs', 'get', id!, '-o', 'wide'], ['runs', 'watch', id!]]) {
      const p = await strata(...args);
      expect(`${p.stdout}${p.stderr}`, args.join(' ')).not.toMatch(RAW);
    }
    const wide = await strata('runs', 'list', '-o', 'wide');
    expect(wide.stdout).toContain('team=\\x1b]0;PWNED\\x07\\x1b[2J');
    // strata logs prints what the program wrote, as it wrote it (kubectl logs does too: docs/operating.md); its own words and the step names are plain.
    const logs = await strata('logs', id!);
    expect(logs.stdout).toBe(`ok: fine\nloud: ${hostile}\n`);
    // JSON escapes them itself (\u001b): the text is exact once parsed, and nothing raw reaches the terminal.
    for (const args of [['runs', 'get', id!, '-o', 'json'], ['runs', 'list', '-o', 'json']]) {
      const p = await strata(...args);
      expect(p.stdout, args.join(' ')).not.toMatch(RAW);
      expect(p.stdout).toContain('\\u001b]0;PWNED\\u0007');
    }
    const got = JSON.parse((await strata('runs', 'get', id!, '-o', 'json')).stdout);
    expect(got.labels.team).toBe(hostile);
    expect(got.steps.loud.error).toContain(hostile);
  });

  it('--version, and a bad -o in a sentence', async () => {
    expect((await runStrata(['--version'])).stdout).toBe(`${JSON.parse((await import('node:fs')).readFileSync('package.json', 'utf8')).version}\n`);
    const bad = await strata('runs', 'list', '-o', 'xml');
    expect([bad.code, bad.stderr]).toEqual([2, 'strata: -o must be wide, json, yaml, name, not "xml"\n']);
  });
});
