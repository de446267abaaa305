/**
 * In Argo's `{{= }}` a loop item is text: processItem (workflow/controller/operator.go) puts
 * `item` and `item.<key>` into a map of strings (fmt.Sprintf("%v", ...)), and the expression's
 * environment is made from that map (util/template/template.go, util/expr/env GetFuncMap), so
 * over `[1, 2, 3]` `item == '2'` holds for the second item (Argo tester 6, Q3: the item was a
 * number and every item was skipped without a word). Through POST /v1/runs on the local runtime.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useRunService } from '../support/use-run-service.ts';
import { argoFixtures } from '../support/documents.ts';

const svc = useRunService();
const { read } = argoFixtures('expr-items');

describe('a loop item in {{= }} is its text, as Argo gives it (Q3)', () => {
  it('item == \'2\' over [1, 2, 3] runs the second item only; item.x == \'1.50\' holds for 1.50; 2 and true from withItems', async () => {
    const r = await svc.runToEnd(read('items-text.yaml'));
    expect(r.status, r.error ?? JSON.stringify(r.steps)).toBe('succeeded');
    expect(['nums/0', 'nums/1', 'nums/2'].map((id) => r.steps[id]?.status)).toEqual(['skipped', 'succeeded', 'skipped']);
    expect(r.steps['nums/1'].result).toBe('ran item 2 int=20');
    expect(r.steps['objs/0'].result).toBe('x=1.50 eqtext=true f=2.5');
    expect(r.steps['objs/1'].result).toBe('x=2 eqtext=false f=3');
    expect([r.steps['lit/0'].result, r.steps['lit/1'].result]).toEqual([true, true]);
  });
});
