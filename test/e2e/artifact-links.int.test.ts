/**
 * Symbolic links in directory artifacts (Argo tester 3, N6; docs/flow-language.md, Outputs):
 * a relative link that stays inside the directory (a virtualenv's bin/, node_modules/.bin)
 * travels as a link to the next step; one that points outside (absolute, or `..` above the
 * artifact's top) fails the producing step naming it, and no copy ever reads through a link.
 * Through real runs at both levels (macro: coordinator, BullMQ, a worker; micro: the
 * quarterback), written straight into $STRATA_OUTPUTS and at a declared path (collected
 * from the container's private view), and through an Argo Workflow as it is.
 */
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { LEVELS, type Level } from '../support/levels.ts';
import { runAtLevel } from '../support/level-runs.ts';
import { useRunService } from '../support/use-run-service.ts';
import { argoFixtures } from '../support/documents.ts';

const svc = useRunService();

/** Run `root` at a level; the run's steps keyed by their id inside the level. */
const runAt = (level: Level, root: unknown) => runAtLevel(svc, level, root, { name: 'links', timeoutMs: 90_000 });

/** A shell line making a venv-like directory at $1: a file, a link to it from bin/, a link to a directory, and `extra`. */
const venv = (extra = '') => `mkdir -p "$1/lib" "$1/bin" && echo 'echo tool-ran' > "$1/lib/tool.sh" && ln -s ../lib/tool.sh "$1/bin/tool" && ln -s lib "$1/lib64"${extra}`;
/** What the consumer reports of the directory at $1: the links as written, and the tool run through one. */
const report = 'printf "%s|%s|%s" "$(readlink "$1/bin/tool")" "$(readlink "$1/lib64")" "$(sh "$1/bin/tool")" > "$STRATA_OUTPUTS/result.json.txt"; printf \'"%s"\' "$(cat "$STRATA_OUTPUTS/result.json.txt")" > "$STRATA_OUTPUTS/result.json"; rm "$STRATA_OUTPUTS/result.json.txt"';

/** A producer writing the directory into $STRATA_OUTPUTS (`outputs: [venv]`) or at /workspace/venv (a declared path, from its private view). */
const producer = (where: 'outputs' | 'path', extra = '') =>
  where === 'outputs'
    ? { image: 'alpine', command: ['sh', '-c', `set -- "$STRATA_OUTPUTS/venv"; ${venv(extra)}`], outputs: ['venv'] }
    : { image: 'alpine', volumes: ['/workspace'], command: ['sh', '-c', `set -- /workspace/venv; ${venv(extra)}`], outputs: { artifacts: [{ name: 'venv', path: '/workspace/venv' }] } };

describe.each(LEVELS)('links in a directory artifact ($name)', (level) => {
  it.each(['outputs', 'path'] as const)('a relative link that stays inside travels as a link (written %s)', async (where) => {
    const root = {
      sequence: [
        { id: 'make', task: producer(where) },
        { id: 'use', task: { image: 'alpine', command: ['sh', '-c', `set -- "$STRATA_INPUTS/venv"; ${report}`], inputs: { venv: './make:venv' } } },
      ],
    };
    const { run, steps } = await runAt(level, root);
    expect(run.status, JSON.stringify(run.steps)).toBe('succeeded');
    expect(steps.use.result).toBe('../lib/tool.sh|lib|tool-ran');
  });

  it.each([
    ['an absolute link', ' && ln -s /etc/hostname "$1/lib/host"', 'lib/host is a symbolic link to "/etc/hostname", which points outside the artifact (an absolute path)'],
    ['a link above the top', ' && ln -s ../../../../../../etc/hostname "$1/bin/up"', 'bin/up is a symbolic link to "../../../../../../etc/hostname", which points outside the artifact (above its top)'],
    ['a link to the directory holding the artifact', ' && ln -s .. "$1/parent"', 'parent is a symbolic link to "..", which points outside the artifact (above its top)'],
    // Argo tester 5, P3: each link alone stays inside, but z climbs out through two others.
    ['a chain of links that climbs out', ' && mkdir "$1/sub" && ln -s sub "$1/x" && ln -s .. "$1/sub/back" && ln -s x/back/.. "$1/z"', 'z is a symbolic link to "x/back/..", which points outside the artifact (".." after a name, which may be a link)'],
  ])('%s fails the producing step naming it, written to $STRATA_OUTPUTS and at a path', async (_d, extra, why) => {
    for (const where of ['outputs', 'path'] as const) {
      const root = {
        sequence: [
          { id: 'make', task: producer(where, extra) },
          { id: 'use', task: { image: 'alpine', command: ['sh', '-c', `cat "$STRATA_INPUTS/venv/lib/host" "$STRATA_INPUTS/venv/bin/up" > "$STRATA_OUTPUTS/leak"`], inputs: { venv: './make:venv' }, outputs: ['leak'] } },
        ],
      };
      const { run, steps } = await runAt(level, root);
      expect(run.status, `${where}: ${JSON.stringify(run.steps)}`).toBe('failed');
      expect(steps.make.status, where).toBe('failed');
      expect(steps.make.error, where).toContain(`output "venv"`);
      expect(steps.make.error, where).toContain(why);
      expect(steps.use, where).toMatchObject({ status: 'skipped', startedAt: null });
    }
  });
});

describe('an Argo Workflow with a directory artifact holding a relative link (N6)', () => {
  it('runs as in Argo: the consumer reads through the link; an artifact that is itself a link is refused naming its target', async () => {
    const doc = parse(argoFixtures('tester-3').read('artifact-links.yaml'));
    const r = await svc.runToEnd(doc);
    expect(r.status, JSON.stringify(r.steps)).toBe('succeeded');
    expect(r.steps.use.result).toBe('rel-link -> a.txt|one');
    const linked = await svc.runToEnd(parse(argoFixtures('tester-3').read('artifact-is-link.yaml')));
    expect(linked.status).toBe('failed');
    // The entrypoint is a container: the run's root step, main.
    expect(linked.steps.main.error).toContain('output "link" (/work/f/link) is a symbolic link to "/work/f/target": an artifact that is itself a link points outside itself');
  });
});
