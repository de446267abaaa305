import { describe, expect, it } from 'vitest';
import { echoed, invalid, limitHint, MAX_PROBLEMS, pastLimit, problemsUnder, refusedUnder, shortenEchoes, StrataError, wholeProblem } from '../../src/errors/strata-error.ts';
import { addProblems, gathered, throwGathered } from '../../src/argo/argo-problems.ts';

describe('user text echoed in errors (Argo tester 2, fault 13)', () => {
  it('echoed keeps text up to the limit and shortens longer text, saying its length', () => {
    expect(echoed('x'.repeat(80))).toBe('x'.repeat(80));
    expect(echoed('x'.repeat(81))).toBe(`${'x'.repeat(40)}…(81 characters)`);
  });

  it('shortenEchoes shortens long runs of name characters, keeps long paths of short parts whole', () => {
    const path = `spec.root${'.sequence[0]'.repeat(48)}`;
    expect(shortenEchoes(path)).toBe(path);
    expect(shortenEchoes(`nodes.${'é'.repeat(5000)}: no node named "${'b'.repeat(100)}"`)).toBe(`nodes.${'é'.repeat(40)}…(5000 characters): no node named "${'b'.repeat(40)}…(100 characters)"`);
  });

  it('invalid shortens every problem it lists, in the message and in details', () => {
    const e = invalid([{ path: `a.${'n'.repeat(5000)}`, message: `bad "${'v'.repeat(5000)}"` }]);
    expect(e.message).toBe(`a.${'n'.repeat(40)}…(5000 characters): bad "${'v'.repeat(40)}…(5000 characters)"`);
    expect(e.details.problems).toEqual([{ path: `a.${'n'.repeat(40)}…(5000 characters)`, message: `bad "${'v'.repeat(40)}…(5000 characters)"` }]);
  });
});

describe('how to raise a limit: from the field the limit check set, never from the words', () => {
  const service = 'in the environment of the strata service and its workers, and restart them';
  it.each<[string, StrataError, string | undefined]>([
    ['a refusal at a limit', pastLimit('limit_exceeded', 'the plan has 12 steps, more than the limit of 10 (STRATA_MAX_RUN_STEPS)', 'STRATA_MAX_RUN_STEPS'), `to raise it, set STRATA_MAX_RUN_STEPS higher ${service} (docs/flow-language.md#limits)`],
    ['problems at two limits, gathered', invalid([{ path: 'a', message: 'too many nodes', limit: 'STRATA_MAX_DOCUMENT_NODES' }, { path: 'b', message: 'too deep', limit: 'STRATA_MAX_FLOW_DEPTH' }, { path: 'c', message: 'bad' }]), `to raise them, set STRATA_MAX_DOCUMENT_NODES or STRATA_MAX_FLOW_DEPTH higher ${service} (docs/flow-language.md#limits)`],
    ['an error that only quotes a variable', new StrataError('invalid_document', 'spec.root.graph.nodes.a.dependsOn[0]: no node named "STRATA_MAX_RUN_STEPS"'), undefined],
    ['a bad value of the variable itself', new StrataError('invalid_config', 'STRATA_MAX_RUN_STEPS must be a whole number, not "x"'), undefined],
  ])('%s', (_what, e, hint) => {
    expect(limitHint(e, 'service')).toBe(hint);
  });

  it('a limit survives being gathered into another list as one problem, and a rebuild from JSON', () => {
    const e = pastLimit('limit_exceeded', 'the plan has 12 steps', 'STRATA_MAX_RUN_STEPS');
    const gathered = invalid([{ ...wholeProblem(e), path: 'flow x' }]);
    expect(gathered.details.limits).toEqual(['STRATA_MAX_RUN_STEPS']);
    const body = JSON.parse(JSON.stringify(gathered)).error;
    expect(limitHint(new StrataError(body.code, body.message, body.details), 'command')).toBe("to raise it, set STRATA_MAX_RUN_STEPS higher in this command's environment (docs/flow-language.md#limits)");
  });
});

describe('a caught error\'s problems placed under a path (problemsUnder, refusedUnder): every route the same (R1)', () => {
  /** An error listing MAX_PROBLEMS problems of its own and counting two more, one of them past STRATA_MAX_UNIT_DEPTH. */
  const cut = () => invalid([...Array.from({ length: MAX_PROBLEMS }, (_, i) => ({ path: `n${i}`, message: 'bad' })), { path: 'deep', message: 'too deep', limit: 'STRATA_MAX_UNIT_DEPTH' }, { path: 'x', message: 'bad' }]);

  it('keeps the limit of a problem the caught error only counted, so the hint still names it', () => {
    expect(cut().details.problems!.some((p) => p.limit)).toBe(false);
    const again = refusedUnder('f.yaml#0', cut());
    expect(again.details.moreProblems).toBe(2);
    expect(again.details.limits).toEqual(['STRATA_MAX_UNIT_DEPTH']);
    expect(limitHint(again, 'command')).toContain('STRATA_MAX_UNIT_DEPTH');
    const g = problemsUnder('flow a@1', cut());
    problemsUnder('flow b@1', new StrataError('invalid_document', 'no problems of its own'), g);
    expect(invalid(g.problems, 'invalid_document', g.more, g.limits).details.limits).toEqual(['STRATA_MAX_UNIT_DEPTH']);
  });

  it('says an error that lists no problems as one at the prefix alone, its code kept unless one is given', () => {
    const e = pastLimit('limit_exceeded', 'the plan has 12 steps', 'STRATA_MAX_RUN_STEPS');
    const again = refusedUnder('rule r', e);
    expect(again.code).toBe('limit_exceeded');
    expect(again.message).toBe('rule r: the plan has 12 steps');
    expect(again.details.limits).toEqual(['STRATA_MAX_RUN_STEPS']);
    expect(refusedUnder('f.yaml#1', new StrataError('too_large', 'too big'), 'invalid_document').message).toBe('f.yaml#1: too big');
  });

  it('an Argo import\'s gathered problems keep the limit of one past MAX_PROBLEMS', () => {
    const g = gathered();
    addProblems(g, Array.from({ length: MAX_PROBLEMS }, (_, i) => ({ path: `template t${i}`, message: 'bad' })));
    addProblems(g, [{ path: 'template deep', message: 'too deep', limit: 'STRATA_MAX_FLOW_DEPTH' }]);
    expect(() => throwGathered(g)).toThrow(expect.objectContaining({ details: expect.objectContaining({ limits: ['STRATA_MAX_FLOW_DEPTH'], moreProblems: 1 }) }));
  });
});
