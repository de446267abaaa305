/**
 * The Argo-grade constructs of the flow language (docs/flow-language.md, issue 12) through
 * real runs at both levels: each flow runs as the run's root (macro: coordinator, BullMQ,
 * a worker, processes) and as the inside of a pod (micro: the same flow driven by the
 * quarterback in the pod's process), and is checked by what its steps were given and did.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { podName } from '../../runtime/kubernetes/names.ts';
import { LEVELS, type Level } from '../support/levels.ts';
import { runAtLevel } from '../support/level-runs.ts';
import { useRunService } from '../support/use-run-service.ts';
import { useTempDirs } from '../support/temp-dirs.ts';

const newTempDir = useTempDirs('strata-language-');

const PROGRAMS = fileURLToPath(new URL('../fixtures/programs/', import.meta.url));
const FIXTURES = fileURLToPath(new URL('../fixtures/flows/run/', import.meta.url));
const dir = newTempDir();
const argv = (args: unknown[], extra: Record<string, unknown> = {}) => ({ image: 'node', command: [process.execPath, join(PROGRAMS, 'argv.mjs')], args, ...extra });

const svc = useRunService({ STRATA_WORKER_CONCURRENCY: '4' });

/** Run `root` (with `params`) at a level; the run's steps keyed by their id inside the level. */
const runAt = (level: Level, root: unknown, params: Record<string, unknown> = {}) => runAtLevel(svc, level, root, { name: 'lang', params });

describe.each(LEVELS)('substitution ($name)', (level) => {
  it('puts params, items, results and the attempt into image, argv, env and workingDir, each argument whole', async () => {
    const root = {
      sequence: [
        { id: 'count', task: { image: 'alpine', command: ['sh', '-c', 'echo \'{"n": 3}\' > "$STRATA_OUTPUTS/result.json"'] } },
        {
          id: 'fan',
          fanOut: {
            over: [{ name: 'a b; echo pwned', k: 1 }, { name: '$(id)', k: 2 }],
            as: 'part',
            do: { task: argv(['--name={{ part.name }}', '{{ part }}', '{{ steps["../count"].result.n }}', '{{ params.tool }}', 'try {{ attempt }}'], { env: { ARGV_ENV: 'TOOL,K', TOOL: '{{ params.tool }}', K: '{{ part.k }}' }, workingDir: '{{ params.dir }}' }) },
          },
        },
        { id: 'echo', task: { image: 'strata/{{ params.op }}' } },
      ],
    };
    const { run, steps } = await runAt(level, root, { tool: 'conv', dir, op: 'echo' });
    expect(run.status, JSON.stringify(run.steps)).toBe('succeeded');
    expect(steps['fan/0'].result).toEqual({ argv: ['--name=a b; echo pwned', '{"name":"a b; echo pwned","k":1}', '3', 'conv', 'try 1'], cwd: dir, attempt: 1, env: { TOOL: 'conv', K: '1' } });
    expect((steps['fan/1'].result as { argv: string[] }).argv[0]).toBe('--name=$(id)');
    // The image was resolved too: strata/echo ran (its result names its step).
    expect(steps.echo.result).toMatchObject({ step: `${level.prefix}echo` });
  });

  it('computes a json-logic value for an argv element, an env value, the image and the working directory', async () => {
    const root = {
      sequence: [
        {
          id: 'fan',
          fanOut: {
            over: [1, 2],
            as: 'n',
            do: { task: argv([{ '+': [{ var: 'n' }, 10] }, { cat: ['x', { var: 'n' }] }, { range: [1, { var: 'n' }] }], { env: { ARGV_ENV: 'N2', N2: { '*': [{ var: 'n' }, 2] } }, workingDir: { cat: [{ var: 'params.dir' }] } }) },
          },
        },
        { id: 'echo', task: { image: { cat: ['strata/', { var: 'params.op' }] } } },
      ],
    };
    const { run, steps } = await runAt(level, root, { dir, op: 'echo' });
    expect(run.status, JSON.stringify(run.steps)).toBe('succeeded');
    expect(steps['fan/0'].result).toEqual({ argv: ['11', 'x1', '[1]'], cwd: dir, attempt: 1, env: { N2: '2' } });
    expect(steps['fan/1'].result).toEqual({ argv: ['12', 'x2', '[1,2]'], cwd: dir, attempt: 1, env: { N2: '4' } });
    expect(steps.echo.result).toMatchObject({ step: `${level.prefix}echo` });
  });

  it('puts the round of a cycle into argv', async () => {
    // The cycle is the root: its members' ids are x#<round> (a root adds no segment).
    const root = { cycle: { rounds: 2, ring: [{ id: 'x', task: argv(['{{ round }}', 'round {{ round }}']) }] } };
    const { run, steps } = await runAt(level, root);
    expect(run.status, JSON.stringify(run.steps)).toBe('succeeded');
    expect((steps['x#0'].result as { argv: string[] }).argv).toEqual(['0', 'round 0']);
    expect((steps['x#1'].result as { argv: string[] }).argv).toEqual(['1', 'round 1']);
  });

  it('fails a step whose reference has no value, saying which', async () => {
    const root = { sequence: [{ id: 'a', when: false, task: argv([]) }, { id: 'b', task: argv(['{{ steps["./a"].result }}']) }] };
    const { run, steps } = await runAt(level, root);
    expect(run.status).toBe('failed');
    expect(steps.b).toMatchObject({ status: 'failed', error: `args[0]: {{ steps["./a"].result }}: step ${level.prefix}a was skipped and has no result` });
  });
});

describe.each(LEVELS)('YAML merge keys ($name)', (level) => {
  it('a run sent as YAML whose tasks share their fields through << runs each with the merged fields', async () => {
    // The fixture is a root node; it goes under the level's root, indented, so its anchors stay one document's.
    const root = readFileSync(join(FIXTURES, 'merge-keys-root.yaml'), 'utf8').replace(/^(?=.)/gm, ' '.repeat(level.prefix ? 10 : 6));
    const head = 'flow:\n  apiVersion: strata/v1\n  kind: Flow\n  metadata: { name: lang, version: "1" }\n  spec:\n    root:\n';
    const r = await svc.call('POST', '/v1/runs', head + (level.prefix ? '      id: p\n      pod:\n        flow:\n' : '') + root);
    expect(r.status, r.text).toBe(202);
    const run = await svc.waitRun(r.body.runId, 30_000);
    expect(run.status, JSON.stringify(run.steps)).toBe('succeeded');
    expect(run.steps[`${level.prefix}a`].result).toBe('a debug');
    expect(run.steps[`${level.prefix}b`].result).toBe('b debug');
    expect(run.steps[`${level.prefix}c`].result).toBe('c trace');
  });
});

describe.each(LEVELS)('substitution refused at plan time ($name)', (level) => {
  it('a reference that cannot resolve refuses the run, nothing started', async () => {
    const runs = async () => (await svc.call('GET', '/v1/runs')).body.runs.length as number;
    const before = await runs();
    const flow = { apiVersion: 'strata/v1', kind: 'Flow', metadata: { name: 'lang', version: '1' }, spec: { root: level.wrap({ task: argv(['{{ params.nope }}', '{{ steps.x.result }}']) }) } };
    const r = await svc.call('POST', '/v1/runs', { flow });
    expect(r.status).toBe(400);
    const at = level.prefix ? 'spec.root.pod.flow.task' : 'spec.root.task';
    expect(r.text).toContain(`${at}.args[0]: {{ params.nope }}: param \\"nope\\" is not declared in spec.params`);
    expect(r.text).toContain(`${at}.args[1]: {{ steps.x.result }}: no step \\"x\\"`);
    expect(await runs()).toBe(before);
  });
});

describe.each(LEVELS)('standard output as the result ($name)', (level) => {
  it('trimmed, JSON when it parses, a string otherwise; a fan-out goes over a list it printed', async () => {
    const root = {
      sequence: [
        { id: 'gen', task: { image: 'alpine', command: ['sh', '-c', 'echo "  [\\"x\\", \\"y z\\"]"; echo'], result: 'stdout' } },
        { id: 'fan', fanOut: { over: { result: './gen' }, do: { task: { image: 'alpine', command: ['sh', '-c', 'printf "  %s!  \\n" "$1"', 'sh', '{{ item }}'], result: 'stdout' } } } },
        { id: 'n', task: { image: 'alpine', command: ['sh', '-c', 'echo 42; echo \'{"ignored": true}\' > "$STRATA_OUTPUTS/result.json"'], result: 'stdout' } },
        { id: 'big', task: { image: 'alpine', command: ['sh', '-c', 'head -c 300000 /dev/zero | tr "\\0" x'], result: 'stdout' } },
      ],
    };
    const { run, steps } = await runAt(level, root);
    expect(run.status, JSON.stringify(run.steps)).toBe('succeeded');
    expect(steps.gen.result).toEqual(['x', 'y z']);
    expect(steps.fan.result).toEqual(['x!', 'y z!']);
    expect(steps.n.result).toBe(42);
    expect(steps.big.result).toBe('x'.repeat(256 * 1024));
    const logs = await svc.call('GET', `/v1/runs/${run.id}/steps/${encodeURIComponent(`${level.prefix}big`)}/logs`);
    expect(logs.text).toContain('the standard output is longer than 262144 bytes');
  });
});

const sh = (script: string, extra: Record<string, unknown> = {}) => ({ task: { image: 'alpine', command: ['sh', '-c', script] }, ...extra });
const echoJson = (json: string, extra: Record<string, unknown> = {}) => sh(`echo '${json}' > "$STRATA_OUTPUTS/result.json"`, extra);

describe.each(LEVELS)('failure handling ($name)', (level) => {
  it('continueOn, failFast: false, conditions on outcomes: what runs and what is skipped', async () => {
    const root = {
      graph: {
        failFast: false,
        nodes: {
          flaky: sh('exit 3', { continueOn: { failed: true } }),
          afterFlaky: echoJson('"went on"', { dependsOn: ['flaky'] }),
          broken: sh('exit 4'),
          onBroken: echoJson('"handled"', { depends: 'broken.Failed' }),
          needsBroken: echoJson('"never"', { dependsOn: ['broken'] }),
          independent: echoJson('"ran"'),
          cleanup: echoJson('"always"', { dependsOn: [{ node: 'broken', on: 'any' }, { node: 'independent', on: ['succeeded'] }] }),
        },
      },
    };
    const { run, steps } = await runAt(level, root);
    expect(steps.flaky).toMatchObject({ status: 'failed', exitCode: 3 });
    expect(steps.afterFlaky).toMatchObject({ status: 'succeeded', result: 'went on' });
    expect(steps.broken).toMatchObject({ status: 'failed', exitCode: 4 });
    expect(steps.onBroken).toMatchObject({ status: 'succeeded', result: 'handled' });
    expect(steps.needsBroken).toMatchObject({ status: 'skipped', error: `not started: step ${level.prefix}broken failed` });
    expect(steps.independent.result).toBe('ran');
    expect(steps.cleanup.result).toBe('always');
    // The failure of broken is handled by onBroken: the graph, and the run, succeed.
    expect(run.status).toBe('succeeded');
  });

  it('an unhandled failure with failFast: false fails the run after the independent branches ran', async () => {
    const root = { graph: { failFast: false, nodes: { bad: sh('exit 1'), next: echoJson('1', { dependsOn: ['bad'] }), other: echoJson('2') } } };
    const { run, steps } = await runAt(level, root);
    expect(run.status).toBe('failed');
    expect(steps.other.status).toBe('succeeded');
    expect(steps.next.status).toBe('skipped');
  });

  it('an exit handler runs after a failure and reads the outcome as exit and STRATA_EXIT', async () => {
    const root = {
      sequence: [echoJson('1', { id: 'a' }), sh('echo boom >&2; exit 5', { id: 'b' })],
      onExit: { task: argv(['{{ exit.status }}', '{{ exit.failures[0].step }}', '{{ exit.failures[0].exitCode }}'], { env: { ARGV_ENV: 'STRATA_EXIT' } }) },
    };
    const { run, steps } = await runAt(level, root);
    expect(run.status).toBe('failed');
    const h = steps.onExit.result as { argv: string[]; env: { STRATA_EXIT: string } };
    expect(h.argv).toEqual(['failed', `${level.prefix}b`, '5']);
    const exit = JSON.parse(h.env.STRATA_EXIT);
    expect(exit).toMatchObject({ status: 'failed', failures: [{ step: `${level.prefix}b`, exitCode: 5 }] });
    expect(exit.duration).toBeGreaterThanOrEqual(0);
    expect(Date.parse(steps.onExit.startedAt!)).toBeGreaterThanOrEqual(Date.parse(steps.b.finishedAt!));
  });
});

describe.each(LEVELS)('retries with back-off ($name)', (level) => {
  it('attempts with STRATA_ATTEMPT, waits between them in the log, and succeeds on the third', async () => {
    const counter = join(dir, `tries-${level.name.replace(/ /g, '-')}`);
    const root = sh(`echo "$STRATA_ATTEMPT" >> ${counter}; [ "$STRATA_ATTEMPT" -ge 3 ] || exit 1; echo "{\\"attempt\\": $STRATA_ATTEMPT}" > "$STRATA_OUTPUTS/result.json"`, {
      id: 'flaky', retry: { limit: 5, on: 'failed', backoff: { duration: '100ms', factor: 2 } },
    });
    const { run, steps } = await runAt(level, { sequence: [root] });
    expect(run.status).toBe('succeeded');
    expect(steps.flaky).toMatchObject({ status: 'succeeded', attempts: 3, result: { attempt: 3 } });
    expect(readFileSync(counter, 'utf8').trim().split('\n')).toEqual(['1', '2', '3']);
    const logs = await svc.call('GET', `/v1/runs/${run.id}/steps/${encodeURIComponent(`${level.prefix}flaky`)}/logs`);
    expect(logs.text).toContain('strata: attempt 2 in 0.1 s (retry back-off)');
    expect(logs.text).toContain('strata: attempt 3 in 0.2 s (retry back-off)');
  });
});

describe.each(LEVELS)('retries within maxDuration ($name)', (level) => {
  it('a back-off that would end past maxDuration is not waited: the step fails on its second attempt (Argo tester 3, N19)', async () => {
    // Attempt 1 fails at once; its 1 s wait ends inside the 3 s; attempt 2's 4 s wait would not.
    const root = sh('exit 1', { id: 'flaky', retry: { limit: 5, on: 'failed', backoff: { duration: '1s', factor: 4, maxDuration: '3s' } } });
    const { run, steps } = await runAt(level, { sequence: [root] });
    expect(run.status).toBe('failed');
    expect(steps.flaky).toMatchObject({ status: 'failed', attempts: 2 });
  });
});

describe.each(LEVELS)('ranges ($name)', (level) => {
  it('a fan-out over a formatted numeric range', async () => {
    const root = { fanOut: { over: { range: [1, { var: 'params.n' }, 2, 'part-%02d'] }, as: 'part', do: { task: argv(['{{ part }}']) } } };
    const { run, steps } = await runAt(level, root, { n: 5 });
    expect(run.status).toBe('succeeded');
    expect(['0', '1', '2'].map((i) => (steps[i].result as { argv: string[] }).argv[0])).toEqual(['part-01', 'part-03', 'part-05']);
  });
});

describe.each(LEVELS)('named output parameters ($name)', (level) => {
  it('are read from their files (or their default), kept with the step and read by name', async () => {
    const root = {
      sequence: [
        { id: 'count', task: { image: 'alpine', command: ['sh', '-c', 'printf "  3\\n" > "$STRATA_OUTPUTS/n.txt"'], outputs: { parameters: { n: { path: 'n.txt' }, label: { path: 'label.txt', default: 'none' } } } } },
        { id: 'use', when: { '==': [{ output: ['./count', 'n'] }, '3'] }, task: argv(['{{ steps["./count"].outputs.parameters.n }}', '{{ steps["./count"].outputs.parameters.label }}']) },
        { id: 'missing', task: { image: 'alpine', command: ['true'], outputs: { parameters: { sha: { path: 'sha' } } } }, continueOn: { failed: true } },
      ],
    };
    const { steps } = await runAt(level, root);
    expect(steps.count).toMatchObject({ status: 'succeeded', parameters: { n: '3', label: 'none' } });
    expect((steps.use.result as { argv: string[] }).argv).toEqual(['3', 'none']);
    expect(steps.missing).toMatchObject({ status: 'failed', error: 'output parameter "sha": sha was not written (give it a default to go on without it)' });
  });
});

describe.each(LEVELS)('a step\'s status, a fan-out\'s output parameters, the run\'s names ($name)', (level) => {
  it('status in a when and in argv, a loop\'s parameters as a list, run.id, run.step and run.pod substituted and computed', async () => {
    const root = {
      graph: {
        nodes: {
          flaky: { task: { image: 'alpine', command: ['sh', '-c', 'exit 3'] }, continueOn: { failed: true } },
          sizes: { fanOut: { over: ['1', '22', '333'], as: 'n', do: { task: { image: 'alpine', command: ['sh', '-c', 'printf %s "${#1}" > "$STRATA_OUTPUTS/len"', 'sh', '{{ n }}'], outputs: { parameters: { len: { path: 'len' } } } } } } },
          report: {
            dependsOn: [{ node: 'flaky', on: 'any' }, 'sizes'],
            when: { '==': [{ status: './flaky' }, 'failed'] },
            task: argv(['{{ steps["./flaky"].status }}', '{{ steps["./sizes"].outputs.parameters.len }}', '{{ run.id }}', '{{ run.step }}', '{{ run.pod }}', { cat: [{ var: 'run.id' }, '/', { text: { output: ['./sizes', 'len'] } }, '/', { status: './flaky' }] }]),
          },
          never: { dependsOn: [{ node: 'flaky', on: 'any' }], when: { '==': [{ status: './flaky' }, 'succeeded'] }, task: argv([]) },
        },
      },
    };
    const { run, steps } = await runAt(level, root);
    expect(run.status, JSON.stringify(run.steps)).toBe('succeeded');
    expect(steps.sizes.parameters).toEqual({ len: ['1', '2', '3'] });
    expect(steps.never.status).toBe('skipped');
    // Inside a pod, run.pod is the pod's name: the pod step's, not the container's.
    const pod = level.prefix ? podName(run.id, 'p', 1) : podName(run.id, 'report', 1);
    expect((steps.report.result as { argv: string[] }).argv).toEqual(['failed', '["1","2","3"]', run.id, `${level.prefix}report`, pod, `${run.id}/["1","2","3"]/failed`]);
  });
});

describe.each(LEVELS)('artifacts: per item, directories, fan-in over files ($name)', (level) => {
  it('a fan-in gets each item\'s file by index with index.json, and a directory artifact whole', async () => {
    const root = {
      sequence: [
        {
          id: 'split',
          fanOut: {
            over: ['a', 'b', 'c'],
            do: {
              when: { '!=': [{ var: 'item' }, 'b'] },
              task: { image: 'alpine', command: ['sh', '-c', 'echo "part $1" > "$STRATA_OUTPUTS/part.csv"; mkdir -p "$STRATA_OUTPUTS/tree/sub"; echo "$1" > "$STRATA_OUTPUTS/tree/sub/leaf"', 'sh', '{{ item }}'], outputs: ['part.csv', 'tree'] },
            },
          },
        },
        {
          id: 'join',
          task: {
            image: 'alpine',
            command: ['sh', '-c', 'ls "$STRATA_INPUTS/parts" | tr "\\n" " " > "$STRATA_OUTPUTS/ls"; cat "$STRATA_INPUTS/parts/0" "$STRATA_INPUTS/parts/2" > "$STRATA_OUTPUTS/cat"; cp "$STRATA_INPUTS/parts/index.json" "$STRATA_OUTPUTS/result.json"; cat "$STRATA_INPUTS/tree/sub/leaf" > "$STRATA_OUTPUTS/leaf"'],
            inputs: { parts: './split/*:part.csv', tree: './split/2:tree' },
            outputs: { parameters: { ls: { path: 'ls' }, cat: { path: 'cat' }, leaf: { path: 'leaf' } } },
          },
        },
      ],
    };
    const { run, steps } = await runAt(level, root);
    expect(run.status, JSON.stringify(run.steps)).toBe('succeeded');
    expect(steps.join.result).toEqual([{ index: 0, item: 'a', file: '0' }, { index: 2, item: 'c', file: '2' }]);
    expect(steps.join.parameters).toEqual({ ls: '0 2 index.json', cat: 'part a\npart c', leaf: 'c' });
  });
});

describe.each(LEVELS)('DAG targets ($name)', (level) => {
  const nodes = { a: echoJson('"a"'), b: echoJson('"b"', { dependsOn: ['a'] }), c: echoJson('"c"', { dependsOn: ['a'] }), d: echoJson('"d"', { dependsOn: ['b', 'c'] }) };

  it('graph.targets runs the targets with their dependencies only', async () => {
    const { run, steps } = await runAt(level, { graph: { targets: ['b'], nodes } });
    expect(run.status).toBe('succeeded');
    expect([steps.a.status, steps.b.status, steps.c.status, steps.d.status]).toEqual(['succeeded', 'succeeded', 'skipped', 'skipped']);
    expect(steps.c.error).toBe('not started: not needed by the targets b');
  });

  it('the run option targets step ids', async () => {
    const flow = { apiVersion: 'strata/v1', kind: 'Flow', metadata: { name: 'lang', version: '1' }, spec: { root: level.wrap({ graph: { nodes } }) } };
    const r = await svc.call('POST', '/v1/runs', { flow, targets: [`${level.prefix}c`] });
    expect(r.status, r.text).toBe(202);
    const run = await svc.waitRun(r.body.runId, 30_000);
    expect(run.status).toBe('succeeded');
    expect(run.steps[`${level.prefix}c`].status).toBe('succeeded');
    expect(run.steps[`${level.prefix}b`].status).toBe('skipped');
    const bad = await svc.call('POST', '/v1/runs', { flow, targets: [`${level.prefix}cc`] });
    expect(bad.status).toBe(400);
    expect(bad.text).toContain(`no step \\"${level.prefix}cc\\" in the plan (did you mean \\"${level.prefix}c\\"?)`);
  });
});

describe.each(LEVELS)('a private file system view per container ($name)', (level) => {
  const mark = `strata-private-${Date.now()}-${level.name.replace(/ /g, '-')}`;

  it('each container has its own /tmp and /workspace; outputs are collected from there; inputs are put at their path', async () => {
    const root = {
      sequence: [
        {
          id: 'fan',
          fanOut: {
            over: [1, 2, 3],
            do: {
              task: {
                image: 'alpine', workingDir: '/workspace', volumes: ['/tmp', '/workspace'],
                command: ['sh', '-c', 'sleep 0.2; echo "$1" > /tmp/num; echo "$1" > /tmp/' + mark + '; mkdir -p out; echo "n=$1" > out/data.txt; pwd > /tmp/pwd', 'sh', '{{ item }}'],
                outputs: { parameters: { num: { path: '/tmp/num' }, pwd: { path: '/tmp/pwd' } }, artifacts: [{ name: 'out', path: '/workspace/out' }] },
              },
            },
          },
        },
        {
          id: 'read',
          task: {
            image: 'alpine', command: ['sh', '-c', 'cat /mnt/in-' + mark + '/data/data.txt'], result: 'stdout',
            inputs: { data: { from: './fan/2:out', path: `/mnt/in-${mark}/data` } },
          },
        },
      ],
    };
    const { run, steps } = await runAt(level, root);
    expect(run.status, JSON.stringify(run.steps)).toBe('succeeded');
    expect(['0', '1', '2'].map((i) => steps[`fan/${i}`].parameters)).toEqual([{ num: '1', pwd: '/workspace' }, { num: '2', pwd: '/workspace' }, { num: '3', pwd: '/workspace' }]);
    expect(steps.read.result).toBe('n=3');
    // Nothing reached the host's own paths.
    expect(existsSync(`/tmp/${mark}`)).toBe(false);
    expect(existsSync('/workspace')).toBe(false);
    expect(existsSync(`/mnt/in-${mark}`)).toBe(false);
  });
});

describe('a private view inside a pod: the pod\'s scratch at a fixed path', () => {
  it('two containers share the scratch directory through a volume from scratch', async () => {
    const root = {
      sequence: [
        { id: 'w', task: { image: 'alpine', volumes: [{ path: '/shared', from: 'scratch' }], command: ['sh', '-c', 'echo hello > /shared/msg'] } },
        { id: 'r', task: { image: 'alpine', volumes: [{ path: '/shared', from: 'scratch' }], command: ['cat', '/shared/msg'], result: 'stdout' } },
      ],
    };
    const { run, steps } = await runAt(LEVELS[1], root);
    expect(run.status, JSON.stringify(run.steps)).toBe('succeeded');
    expect(steps.r.result).toBe('hello');
  });
});

describe.each(LEVELS)('units with declared inputs and outputs ($name)', (level) => {
  const unit = {
    apiVersion: 'strata/v1', kind: 'Flow', metadata: { name: 'clean-table', version: '1' },
    spec: {
      params: { suffix: null },
      inputs: ['raw.csv'],
      outputs: { artifacts: { 'clean.csv': 'dedupe:out.csv' }, parameters: { rows: '{{ steps.count.outputs.parameters.n }} rows{{ params.suffix }}' } },
      root: {
        sequence: [
          { id: 'dedupe', task: { image: 'alpine', command: ['sh', '-c', 'sort -u "$STRATA_INPUTS/in" > "$STRATA_OUTPUTS/out.csv"'], inputs: { in: ':raw.csv' }, outputs: ['out.csv'] } },
          { id: 'count', task: { image: 'alpine', command: ['sh', '-c', 'wc -l < "$STRATA_INPUTS/in" > "$STRATA_OUTPUTS/n"'], inputs: { in: 'dedupe:out.csv' }, outputs: { parameters: { n: { path: 'n' } } } } },
        ],
      },
    },
  };

  it('a use node gives the unit its inputs and reads its outputs by the use node\'s id', async () => {
    const reg = await svc.call('POST', '/v1/flows', unit);
    expect([200, 201]).toContain(reg.status);
    const root = {
      sequence: [
        { id: 'extract', task: { image: 'alpine', command: ['sh', '-c', 'printf "b\\na\\nb\\nc\\n" > "$STRATA_OUTPUTS/rows.csv"'], outputs: ['rows.csv'] } },
        { id: 'clean', use: 'clean-table@1', with: { suffix: '!' }, inputs: { 'raw.csv': './extract:rows.csv' } },
        { id: 'load', task: { image: 'alpine', command: ['sh', '-c', 'tr "\\n" , < "$STRATA_INPUTS/rows"; echo " $1"', 'sh', '{{ steps["./clean"].outputs.parameters.rows }}'], inputs: { rows: './clean:clean.csv' }, result: 'stdout' } },
      ],
    };
    const { run, steps } = await runAt(level, root);
    expect(run.status, JSON.stringify(run.steps)).toBe('succeeded');
    expect(steps.clean.parameters).toEqual({ rows: '3 rows!' });
    expect(steps.load.result).toBe('a,b,c, 3 rows!');
  });

  it('a missing or unknown unit input, or an output the unit does not give, is refused when planned', async () => {
    await svc.call('POST', '/v1/flows', unit);
    const flow = { apiVersion: 'strata/v1', kind: 'Flow', metadata: { name: 'lang', version: '1' }, spec: { root: level.wrap({ sequence: [{ id: 'clean', use: 'clean-table@1', inputs: { 'raw.cvs': 'nowhere:x' } }, { id: 'z', task: { image: 'alpine', inputs: { a: './clean:dirty.csv' } } }] }) } };
    const r = await svc.call('POST', '/v1/runs', { flow });
    expect(r.status).toBe(400);
    expect(r.text).toContain('clean-table@1 needs input \\"raw.csv\\" (its spec.inputs)');
    expect(r.text).toContain('clean-table@1 declares no input \\"raw.cvs\\" (did you mean \\"raw.csv\\"?)');
    expect(r.text).toContain(`unit step \\"${level.prefix}clean\\" gives no output \\"dirty.csv\\" (its spec.outputs.artifacts: clean.csv)`);
  });
});

describe.each(LEVELS)('recursion ($name)', (level) => {
  it('a registered flow that uses itself behind a when runs as deep as its guard lets it', async () => {
    const countdown = {
      apiVersion: 'strata/v1', kind: 'Flow', metadata: { name: 'countdown', version: '1' },
      spec: {
        params: { n: 2 },
        root: {
          sequence: [
            { id: 'say', task: { image: 'alpine', command: ['echo', '{{ params.n }}'], result: 'stdout' } },
            { id: 'rec', when: { '>': [{ var: 'params.n' }, 0] }, use: 'countdown@1', with: { n: { '-': [{ var: 'params.n' }, 1] } } },
          ],
        },
      },
    };
    const reg = await svc.call('POST', '/v1/flows', countdown);
    expect([200, 201], reg.text).toContain(reg.status);
    const { run, steps } = await runAt(level, { sequence: [{ id: 'top', use: 'countdown@1', with: { n: 2 } }] });
    expect(run.status, JSON.stringify(run.steps)).toBe('succeeded');
    expect([steps['top/say'].result, steps['top/rec/say'].result, steps['top/rec/rec/say'].result]).toEqual([2, 1, 0]);
    expect(steps['top/rec/rec/rec'], JSON.stringify(Object.keys(steps))).toMatchObject({ status: 'skipped' });
  });
});
