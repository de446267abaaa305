/** The Rule document: when (json-logic over a Dataset) and emit (a flow node or a generator call). */
import { z } from 'zod';
import { invalid, type Problem } from '../errors/strata-error.ts';
import { headerProblems } from '../flow/flow-document.ts';
import { DEFAULT_LIMITS } from '../flow/limits.ts';
import { metadataSchema } from '../flow/task-schema.ts';
import type { FlowNode, JsonValue, Logic } from '../flow/types.ts';
import { validateNode } from '../flow/validate-node.ts';
import { check } from '../flow/zod-problems.ts';
import { validateGuard } from '../logic/guard.ts';
import { validateValues } from '../logic/logic-values.ts';
import { appendAll } from '../flow/append-all.ts';
import type { Generator } from './generator.ts';

export interface GeneratorCall {
  generator: string;
  with?: Record<string, JsonValue>;
}

export interface Rule {
  apiVersion: 'strata/v1';
  kind: 'Rule';
  metadata: { name: string; labels?: Record<string, string> };
  spec: { priority: number; when: Logic; emit: GeneratorCall | FlowNode; description?: string };
}

export const ruleSpecSchema = z.strictObject({
  priority: z.number().int().min(-1_000_000).max(1_000_000).default(0),
  when: z.unknown(),
  emit: z.record(z.string(), z.unknown()),
  description: z.string().max(1024).optional(),
});

export function isGeneratorCall(emit: Rule['spec']['emit']): emit is GeneratorCall {
  return typeof (emit as GeneratorCall).generator === 'string';
}

/**
 * Validate a parsed Rule against the known generators (by name; given the generators, their
 * parameters too: Generator.parameterProblems); throws with every problem.
 */
export function validateRule(doc: unknown, generators: ReadonlySet<string> | ReadonlyMap<string, Generator>): Rule {
  const problems: Problem[] = [];
  if (!headerProblems(doc, 'Rule', problems)) throw invalid(problems);
  for (const k of Object.keys(doc)) if (!['apiVersion', 'kind', 'metadata', 'spec'].includes(k)) problems.push({ path: k, message: `unknown key "${k}"` });
  check(metadataSchema, doc.metadata, 'metadata', problems);
  const spec = check(ruleSpecSchema, doc.spec, 'spec', problems);
  if (spec) {
    if (spec.when === undefined) problems.push({ path: 'spec.when', message: 'is required: json-logic over the Dataset (use true to always match)' });
    else appendAll(problems, validateGuard(spec.when, 'spec.when'));
    const emit = spec.emit as Record<string, unknown>;
    if ('generator' in emit) {
      for (const k of Object.keys(emit)) if (k !== 'generator' && k !== 'with') problems.push({ path: `spec.emit.${k}`, message: `unknown key "${k}"` });
      if (typeof emit.generator !== 'string' || !generators.has(emit.generator)) {
        problems.push({ path: 'spec.emit.generator', message: `unknown generator "${String(emit.generator)}"; known: ${[...generators].sort().join(', ')}` });
      }
      if ('with' in emit) {
        if (typeof emit.with !== 'object' || emit.with === null || Array.isArray(emit.with)) problems.push({ path: 'spec.emit.with', message: 'must be an object of generator parameters' });
        else {
          const valueProblems = validateValues(emit.with, 'spec.emit.with');
          appendAll(problems, valueProblems);
          // Checked as the generator reads them (its expressions are sound), so a rule it would refuse for every Dataset is never stored (tester 15).
          const gen = generators instanceof Map && typeof emit.generator === 'string' ? generators.get(emit.generator) : undefined;
          if (gen?.parameterProblems && valueProblems.length === 0) appendAll(problems, gen.parameterProblems(emit.with as Record<string, JsonValue>, 'spec.emit.with'));
        }
      }
    } else {
      validateNode(emit, 'spec.emit', { limits: DEFAULT_LIMITS, problems, count: 0, inPod: false }, 1);
    }
    (doc as { spec: unknown }).spec = spec;
  }
  if (problems.length > 0) throw invalid(problems);
  return doc as unknown as Rule;
}
