/** The schema of a computed field: text with `{{ references }}`, or json-logic giving it. */
import { z } from 'zod';
import { validateLogic } from '../logic/json-logic.ts';
import { nulProblem } from './params-limits.ts';
import { isTemplate, parseTemplate } from './template.ts';
import type { Computed } from './types.ts';

/**
 * A field resolved when the step starts: text with `{{ references }}` (their syntax checked
 * here, their meaning by the compiler) or a json-logic expression whose value is written as
 * text (docs/flow-language.md, Substitution).
 */
export function computed(max: number, min = 0) {
  return z.custom<Computed>().superRefine((v, ctx) => {
    // No argument or environment value can carry a NUL: said here, naming the field, not by
    // Node when the step starts ("must be a string without null bytes"; Argo tester 7, R8).
    const nul = nulProblem(v, '');
    if (nul) {
      ctx.addIssue({ code: 'custom', message: nul.message, path: pathParts(nul.path) });
      return;
    }
    if (typeof v === 'string') {
      if (v.length < min) ctx.addIssue({ code: 'custom', message: 'must name an image' });
      else if (v.length > max) ctx.addIssue({ code: 'custom', message: `must be at most ${max} characters` });
      else if (isTemplate(v)) {
        try {
          parseTemplate(v);
        } catch (e) {
          ctx.addIssue({ code: 'custom', message: (e as Error).message });
        }
      }
      return;
    }
    if (v === undefined) {
      ctx.addIssue({ code: 'custom', message: 'is required' });
      return;
    }
    if (v === null || typeof v !== 'object' || Array.isArray(v) || Object.keys(v).length !== 1) {
      const got = v === null ? 'null' : Array.isArray(v) ? 'a list' : typeof v === 'object' ? 'an object of several keys' : `a ${typeof v}`;
      ctx.addIssue({ code: 'custom', message: `must be text (with {{ references }}) or a json-logic expression giving it, not ${got}` });
      return;
    }
    for (const p of validateLogic(v, '')) ctx.addIssue({ code: 'custom', message: p.message, path: pathParts(p.path) });
  });
}

/** `.cat[1]` as the path parts zod appends to the field's. */
const pathParts = (path: string): string[] => path.replace(/^\./, '').split('.').filter(Boolean);
