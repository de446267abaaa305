/**
 * A rule's emitted node planned when the rule is registered, as a flow registered directly is
 * (POST /v1/flows): a node that no Dataset can make plannable (a fan-out over a step that is
 * not there, a template naming an unknown step) is refused naming its place under
 * `spec.emit`, rather than stored and refused at every ingest it matches.
 */
import { invalid, limitsOf, moreProblemsOf, wholeProblem, type Problem, type StrataError } from '../errors/strata-error.ts';
import type { Limits } from '../flow/limits.ts';
import type { FlowDocument, FlowNode, JsonValue } from '../flow/types.ts';
import type { FlowRegistry } from '../plan/flow-registry.ts';
import { buildTimeValuePaths } from '../rules/build-flow.ts';
import { isGeneratorCall, type Rule } from '../rules/rule-document.ts';
import { planFlow } from './plan-flow.ts';

/** What stands in a value read from the Dataset while the rest is checked: problems at its place are left to the ingest. */
const UNKNOWN_VALUE = 'strata-rule-check';

/**
 * Throw the problems of `rule`'s emitted node as planning finds them, its paths under
 * `spec.emit`. A value that is json-logic over the Dataset is not known yet: it is put aside,
 * and a problem at its place (or around it) is not the rule's until a Dataset gives it. A
 * generator call is checked by its generator's parameters (validateRule).
 */
export async function checkRulePlan(rule: Rule, registry: FlowRegistry, limits: Limits): Promise<void> {
  const emit = rule.spec.emit;
  if (isGeneratorCall(emit)) return;
  const unknown = buildTimeValuePaths(emit as unknown as JsonValue, 'spec.emit');
  const root = unknown.length === 0 ? emit : (replaceAt(emit as unknown as JsonValue, 'spec.emit', new Set(unknown)) as unknown as FlowNode);
  const flow = { apiVersion: 'strata/v1', kind: 'Flow', metadata: { name: `${rule.metadata.name}-rule`.slice(0, 64), version: 'check' }, spec: { root } } as FlowDocument;
  try {
    await planFlow(flow, registry, limits);
  } catch (e) {
    const err = e as StrataError;
    if (typeof err?.code !== 'string') throw e;
    const emitPath = (text: string) => text.replace(/(^|\n)spec\.root(?=$|[.[:])/g, '$1spec.emit');
    const listed = err.details?.problems?.length ? err.details.problems : [wholeProblem(err)];
    const problems: Problem[] = listed.map((p) => ({ ...p, path: emitPath(p.path), message: p.path ? p.message : emitPath(p.message) }));
    const known = problems.filter((p) => (p.path === '' ? unknown.length === 0 : !unknown.some((u) => related(p.path, u))));
    // With no value put aside every problem is the rule's, those the error only counted too:
    // counted again, and the limits they passed named (they were dropped, and the hint with them).
    const whole = unknown.length === 0;
    if (known.length > 0) throw invalid(known, err.code === 'not_found' ? 'not_found' : 'invalid_document', whole ? moreProblemsOf(err) : 0, whole ? limitsOf(err) : []);
  }
}

/** Whether one path is the other, or lies beneath it. */
function related(a: string, b: string): boolean {
  const under = (x: string, y: string) => x === y || x.startsWith(`${y}.`) || x.startsWith(`${y}[`);
  return under(a, b) || under(b, a);
}

/** `value` with the values at `paths` replaced by UNKNOWN_VALUE. */
function replaceAt(value: JsonValue, path: string, paths: ReadonlySet<string>): JsonValue {
  if (paths.has(path)) return UNKNOWN_VALUE;
  if (Array.isArray(value)) return value.map((v, i) => replaceAt(v, `${path}[${i}]`, paths));
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, replaceAt(v, `${path}.${k}`, paths)]));
  return value;
}
