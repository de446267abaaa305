/**
 * Faults of the fourth Argo tester round (issue 12, /work/tools/reports/argo-tester-3.md),
 * through the real stack: documents sent as they are to `POST /v1/runs`, run on the local
 * runtime with real HTTP, Redis, BullMQ and processes, checked by their outcome; and
 * `strata import argo` as a real process, for what the import makes of them.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RunView } from '../../src/run/run-view.ts';
import { runStrata } from '../support/processes.ts';
import { useRunService } from '../support/use-run-service.ts';
import { argoFixtures } from '../support/documents.ts';

const svc = useRunService();
const { dir: DIR, read } = argoFixtures('tester-3');
const post = (body: unknown): Promise<RunView> => svc.runToEnd(body);
/** The items a loop step ran: its children `name/0`, `name/1`, ... with their results, in order. */
const items = (r: RunView, name: string): unknown[] =>
  Object.keys(r.steps)
    .filter((k) => new RegExp(`^${name}/[0-9]+$`).test(k))
    .sort((a, b) => Number(a.split('/')[1]) - Number(b.split('/')[1]))
    .map((k) => r.steps[k].result);

describe('withSequence with a count of 0 gives no items (N7)', () => {
  it('a count of 0, written or from a parameter, runs no item; other counts and countdowns as before', async () => {
    const r = await post(read('seq-count0.yaml'));
    expect(r.status, JSON.stringify(r.steps)).toBe('succeeded');
    expect(items(r, 'literal')).toEqual([]);
    expect(items(r, 'from-param')).toEqual([]);
    expect(items(r, 'param-three')).toEqual(['i5', 'i6', 'i7']);
    expect(items(r, 'countdown')).toEqual([5, 4]);
    expect(r.steps.after.status).toBe('succeeded');
  });

  it('strata import argo writes a written count of 0 as no items, a parameter\'s as a check at the run', async () => {
    const out = await runStrata(['import', 'argo', join(DIR, 'seq-count0.yaml'), '-o', 'json']);
    expect(out.code, out.stderr).toBe(0);
    const flow = JSON.parse(out.stdout) as { spec: { root: { graph: { nodes: Record<string, { fanOut?: { over: unknown } }> } } } };
    const over = (id: string) => flow.spec.root.graph.nodes[id]?.fanOut?.over;
    expect(over('literal')).toEqual([]);
    // Below 0 it is no list (the loop fails saying so: argo-sequence-values.int.test.ts), 0 no items.
    expect(over('from-param')).toEqual({ where: [expect.stringContaining('withSequence.count'), { if: [{ '<': [{ int: { var: 'params.n' } }, 0] }, expect.anything(), { '==': [{ int: { var: 'params.n' } }, 0] }, [], expect.objectContaining({ range: expect.any(Array) })] }] });
  });
});

/** Step name -> status, for the steps named. */
const statuses = (r: RunView, names: string[]): Record<string, string> => Object.fromEntries(names.map((n) => [n, r.steps[n]?.status ?? 'absent']));

describe('a govaluate when reads a tag\'s text as govaluate does: true/false booleans, numbers numbers (N1)', () => {
  it('workflow and input parameters: each step runs or is skipped as in Argo', async () => {
    const r = await post(read('when-govaluate.yaml'));
    expect(r.status, JSON.stringify(r.steps)).toBe('succeeded');
    expect(statuses(r, ['p-gt-q', 'flag', 'not-flag', 'flag-eq-false', 'one-eq-uno', 'quoted-text', 'quoted-flag', 'word', 'conditional/govaluate', 'conditional/expr'])).toEqual({
      'p-gt-q': 'succeeded', // 10 > 9, numbers
      flag: 'skipped', // false
      'not-flag': 'succeeded',
      'flag-eq-false': 'succeeded',
      'one-eq-uno': 'succeeded', // 1.0 == 1
      'quoted-text': 'succeeded', // '10' < '9' compares texts
      'quoted-flag': 'succeeded',
      word: 'succeeded',
      'conditional/govaluate': 'succeeded', // Argo's examples/conditionals.yaml: "true" == true
      'conditional/expr': 'succeeded',
    });
  });

  it('output parameters read from files', async () => {
    const r = await post(read('when-outparam.yaml'));
    expect(r.status, JSON.stringify(r.steps)).toBe('succeeded');
    expect(statuses(r, ['ok-eq-true', 'no', 'n-ge-m', 'n-gt-9'])).toEqual({ 'ok-eq-true': 'succeeded', no: 'skipped', 'n-ge-m': 'succeeded', 'n-gt-9': 'succeeded' });
  });

  it('loop items: withItems ["true", "false"] with when "{{item}}" runs only the true one', async () => {
    const r = await post(read('when-item.yaml'));
    expect(r.status, JSON.stringify(r.steps)).toBe('succeeded');
    const ran = (name: string) => Object.keys(r.steps).filter((k) => k.startsWith(`${name}/`) && r.steps[k].status === 'succeeded').map((k) => r.steps[k].result);
    expect(ran('bools')).toEqual(['item true']);
    expect(ran('nums').sort()).toEqual(['item 10', 'item 20']);
    expect(ran('objs')).toEqual(['item 12']);
  });

  it('step results as before: false skips, true runs, 10 > 9 runs, a word compares as text', async () => {
    const r = await post(read('when-result-bool.yaml'));
    expect(r.status, JSON.stringify(r.steps)).toBe('succeeded');
    expect(statuses(r, ['on-false', 'on-true', 'ten-gt-nine', 'is-heads'])).toEqual({ 'on-false': 'skipped', 'on-true': 'succeeded', 'ten-gt-nine': 'succeeded', 'is-heads': 'succeeded' });
  });

  it('a when whose value is no boolean (the word False) fails the step, as Argo does, and never runs it', async () => {
    const r = await post(read('when-not-boolean.yaml'));
    expect(r.status, JSON.stringify(r.steps)).toBe('failed');
    expect(r.steps.deploy.status).toBe('failed');
    expect(r.steps.deploy.result ?? null).toBeNull();
    expect(r.steps.deploy.error).toBe('template main, step deploy, when "{{steps.check.outputs.result}}": gives "False", not a boolean: Argo fails the step here ("Expected boolean evaluation"; its booleans are true and false, lower case)');
  });

  it('strata import argo reads a bare tag as a govaluate literal and asks for a boolean; a quoted tag stays text', async () => {
    const out = await runStrata(['import', 'argo', join(DIR, 'when-govaluate.yaml'), '-o', 'json']);
    expect(out.code, out.stderr).toBe(0);
    type Where = { where: [string, unknown] };
    const nodes = (JSON.parse(out.stdout) as { spec: { root: { graph: { nodes: Record<string, { when?: Where | { if: [unknown, true, Where] } }> } } } }).spec.root.graph.nodes;
    const gv = (name: string) => ({ govaluate: { text: { var: `params.${name}` } } });
    // A tag alone is read only when its text is not empty: an empty when runs the step (S11,
    // Argo's shouldExecute), so that one is wrapped in an `if` over the empty text.
    const flag = nodes.flag.when as { if: [unknown, true, Where] };
    expect(flag.if.slice(0, 2)).toEqual([{ '===': [{ text: { var: 'params.flag' } }, ''] }, true]);
    expect(flag.if[2].where[1]).toEqual({ boolean: gv('flag') });
    const where = (id: string) => (nodes[id].when as Where).where;
    expect(where('p-gt-q')[1]).toEqual({ boolean: { '>': [gv('p'), gv('q')] } });
    // Quoted, a tag is the text it holds (`text`), whatever its value: a loop item's 1.50 is "1.50".
    expect(where('quoted-text')[1]).toEqual({ boolean: { '<': [{ text: { var: 'params.p' } }, { text: { var: 'params.q' } }] } });
    expect(flag.if[2].where[0]).toContain('when "{{workflow.parameters.flag}}"');
  });
});

describe('an Argo file with no document (N12)', () => {
  it('strata import argo refuses it naming the file (exit 2), as strata runs submit does, instead of printing nothing', async () => {
    const out = await runStrata(['import', 'argo', join(DIR, 'empty.yaml')]);
    expect(out.code, out.stdout).toBe(2);
    expect(out.stdout).toBe('');
    expect(out.stderr).toContain('empty.yaml: holds no document: it is empty, or only comments');
  });
});

describe("a workflow's deadline and its exit handler (N15)", () => {
  it('the step the deadline cut off is in workflow.failures', async () => {
    const r = await post(read('deadline-exit.yaml'));
    expect(r.status, JSON.stringify(r.steps)).toBe('failed');
    expect(r.steps.slow.status).toBe('cancelled');
    const said = String(r.steps.onExit.result);
    expect(said).toMatch(/^status=Failed failures=\[/);
    // strata's fields, not Argo's displayName and message (docs/argo.md, workflow.failures).
    expect(JSON.parse(said.replace(/^status=Failed failures=/, ''))).toEqual([{ step: 'slow', error: 'stopped: the run timed out after 2s' }]);
  });
});
