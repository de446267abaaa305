/**
 * A matched rule and a Dataset to the Flow document that processes it. The flow is named
 * after the Dataset and versioned by a hash of what produced it, so the same Dataset
 * and rule always yield the same flow, and it can be registered as a unit.
 */
import { createHash } from 'node:crypto';
import type { Dataset } from '../dataset/dataset-document.ts';
import { invalid, refusedUnder, StrataError, type Problem } from '../errors/strata-error.ts';
import { validateFlowDocument } from '../flow/flow-document.ts';
import { metadataSchema } from '../flow/task-schema.ts';
import { labelValueOf } from '../flow/labels.ts';
import { check } from '../flow/zod-problems.ts';
import type { FlowDocument, FlowNode, JsonValue } from '../flow/types.ts';
import { isLogic, readsBeyond } from '../logic/json-logic.ts';
import { evaluateValues } from '../logic/logic-values.ts';
import type { Generator } from './generator.ts';
import { isGeneratorCall, type Rule } from './rule-document.ts';

/** Guards evaluated while the flow runs, not when it is built. */
const RUN_TIME_KEYS: ReadonlySet<string> = new Set(['when', 'until']);
const NO_KEYS: ReadonlySet<string> = new Set();
/** What a rule's values read when the flow is built (`node`: a tree node, for a hierarchy's per-node values). */
const BUILD_TIME_DATA: ReadonlySet<string> = new Set(['dataset', 'params', 'spec', 'metadata', 'node']);
/**
 * An expression that reads what only a run knows (a step's result, an item, a round: tester
 * 15, an emitted `fanOut.over: { var: results.list }` was evaluated here to null and every
 * Dataset refused) stays as written, for the run to evaluate.
 */
const readsRunData = (expr: JsonValue): boolean => readsBeyond(expr, BUILD_TIME_DATA);

/**
 * The paths (`spec.emit.sequence[0].task.image`) of the values in an emitted node that are
 * json-logic over the Dataset, evaluated when a flow is built from it: until a Dataset is
 * given, what stands there is not known (a rule's registration checks the rest: service/check-rule-plan.ts).
 */
export function buildTimeValuePaths(value: JsonValue, path: string): string[] {
  if (isLogic(value)) return readsRunData(value) ? [] : [path];
  if (Array.isArray(value)) return value.flatMap((v, i) => buildTimeValuePaths(v, `${path}[${i}]`));
  if (value && typeof value === 'object') return Object.entries(value).flatMap(([k, v]) => (RUN_TIME_KEYS.has(k) ? [] : buildTimeValuePaths(v, `${path}.${k}`)));
  return [];
}

/**
 * The flow `rule` makes of `dataset` (its version: a hash of both). With `out`, `out.datasetJson`
 * is set to the Dataset's JSON the version was hashed from (POST /v1/datasets stores and answers
 * it: a 100,000-node tree's is serialized once).
 */
export function buildFlow(dataset: Dataset, rule: Rule, generators: ReadonlyMap<string, Generator>, params: Record<string, JsonValue> = {}, out?: { datasetJson?: string }): FlowDocument {
  const emit = rule.spec.emit;
  const data = { dataset, params, spec: dataset.spec, metadata: dataset.metadata };
  let root: FlowNode;
  try {
    if (isGeneratorCall(emit)) {
      const gen = generators.get(emit.generator);
      if (!gen) throw new StrataError('unknown_generator', `rule ${rule.metadata.name}: unknown generator "${emit.generator}"`);
      const raw = emit.with ?? {};
      // `task` is per tree node: the generator evaluates it with `node` bound. The run-time
      // guards stay as written, as in an emitted node: a stream's `until` (over its rounds'
      // outputs) and an operation's `when` (tester 15: evaluated here against the Dataset,
      // they became constants, and a stream's cycle ran until its source was drained).
      // fromEntries defines each key: a key named __proto__ never sets the object's prototype.
      const withParams: Record<string, JsonValue> = Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, k === 'task' || RUN_TIME_KEYS.has(k) ? v : evaluateValues(v, data, `with.${k}`, RUN_TIME_KEYS, readsRunData)]));
      root = gen.generate(dataset, withParams, { evaluate: (v, node) => evaluateValues(v, { ...data, node }, 'with', NO_KEYS, readsRunData) });
    } else {
      root = evaluateValues(emit as unknown as JsonValue, data, 'emit', RUN_TIME_KEYS, readsRunData) as unknown as FlowNode;
    }
  } catch (e) {
    throw refusedUnder(`rule ${rule.metadata.name}`, e);
  }
  // A name is at most 64 characters, a label value 63 (labels.ts): one of 64 is folded to fit.
  // JSON.stringify([dataset, rule]), in its parts: the Dataset's is kept for `out`.
  const datasetJson = JSON.stringify(dataset);
  if (out) out.datasetJson = datasetJson;
  const version = createHash('sha256').update('[').update(datasetJson).update(',').update(JSON.stringify(rule)).update(']').digest('hex').slice(0, 12);
  const doc = { apiVersion: 'strata/v1', kind: 'Flow', metadata: { name: `${dataset.metadata.name}-plan`.slice(0, 64), version, labels: { 'strata.dev/dataset': labelValueOf(dataset.metadata.name), 'strata.dev/rule': labelValueOf(rule.metadata.name) } }, spec: { params, root } };
  try {
    // A generator's flow is made of operations it checked (generators/operation.ts) joined
    // by its own code, and a 100,000-node tree would cost half a second to check again; an
    // emitted node had its json-logic values filled in just now, so it is checked whole.
    if (isGeneratorCall(emit)) {
      validateMetadata(doc);
      return doc as FlowDocument;
    }
    return validateFlowDocument(doc);
  } catch (e) {
    throw refusedUnder(`generated flow (rule ${rule.metadata.name})`, e, 'invalid_document');
  }
}

/** The generated flow's name and labels come from the Dataset: check them as a Flow's. */
function validateMetadata(doc: { metadata: unknown }): void {
  const problems: Problem[] = [];
  check(metadataSchema, doc.metadata, 'metadata', problems);
  if (problems.length > 0) throw invalid(problems);
}
