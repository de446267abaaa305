/** `-p key=value` and `-l key=value` as the CLI reads them, and `strata plan -p`. */
import { describe, expect, it } from 'vitest';
import { collectLabel, collectParam, typedParams } from '../../src/cli/params.ts';
import { planCommand } from '../../src/cli/plan-command.ts';

describe('-p and -l', () => {
  it('reads JSON values as JSON, anything else as text, later keys over earlier ones', () => {
    let p = collectParam('n=2');
    p = collectParam('full=true', p);
    p = collectParam('day=2026-11-28', p);
    p = collectParam('list=[1,2]', p);
    p = collectParam('n=3', p);
    p = collectParam('version=2.50', p);
    p = collectParam('big=12345678901234567890', p);
    expect(p).toMatchObject({ n: '3', list: '[1,2]' });
    expect(typedParams(p)).toEqual({ n: 3, full: true, day: '2026-11-28', list: [1, 2], version: '2.50', big: '12345678901234567890' });
    expect(collectLabel('team=analytics', collectLabel('env=prod'))).toEqual({ env: 'prod', team: 'analytics' });
  });

  it('refuses what is not key=value, in a sentence', () => {
    expect(() => collectParam('=1')).toThrow('-p =1: give a parameter as key=value');
    expect(() => collectLabel('team')).toThrow('-l team: give a label as key=value');
  });

  it('strata plan -p sets the flow\'s parameters for the dry run', async () => {
    expect(await planCommand(['test/fixtures/cli/guarded-flow.yaml'], { dryRun: true })).toBe('{ "order": [\n  ["always"]\n] }\n');
    expect(await planCommand(['test/fixtures/cli/guarded-flow.yaml'], { dryRun: true, param: { full: 'true' } })).toBe('{ "order": [\n  ["always"],\n  ["when-full"]\n] }\n');
  });
});
