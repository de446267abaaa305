/** The Flow document: parse and validate, every problem reported at once. */
import { invalid, type Problem } from '../errors/strata-error.ts';
import { DEFAULT_LIMITS, type Limits } from './limits.ts';
import { parseText } from './parse-text.ts';
import { metadataSchema } from './task-schema.ts';
import type { FlowDocument } from './types.ts';
import { validateNode } from './validate-node.ts';
import { check } from './zod-problems.ts';
import { didYouMean } from './nearest.ts';
import { unitInputsSchema, unitOutputsSchema } from './task-io-schema.ts';
import { paramNameProblems } from './param-names.ts';
import { appendAll } from './append-all.ts';
import { COMPUTED_SECONDS, isComputedSeconds, isSeconds, literalSeconds } from './duration.ts';
import { computed } from './computed-schema.ts';

type Obj = Record<string, unknown>;
const SPEC_KEYS = ['params', 'root', 'onExit', 'inputs', 'outputs', 'parallelism', 'deadline'];
/** The largest `spec.parallelism`: a limit past a run's steps limits nothing. */
export const MAX_PARALLELISM = 1_000_000;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Problems with apiVersion and kind; shared by every document kind. */
export function headerProblems(doc: unknown, kind: string, problems: Problem[]): doc is Obj {
  if (!isObj(doc)) {
    problems.push({ path: '', message: `a ${kind} document must be an object with apiVersion, kind, metadata and spec` });
    return false;
  }
  if (doc.apiVersion !== 'strata/v1') problems.push({ path: 'apiVersion', message: 'must be strata/v1' });
  if (doc.kind !== kind) problems.push({ path: 'kind', message: `must be ${kind}` });
  return true;
}

/** Validate a parsed Flow document; throws a StrataError listing every problem. */
export function validateFlowDocument(doc: unknown, limits: Limits = DEFAULT_LIMITS): FlowDocument {
  const problems: Problem[] = [];
  if (!headerProblems(doc, 'Flow', problems)) throw invalid(problems);
  for (const k of Object.keys(doc)) if (!['apiVersion', 'kind', 'metadata', 'spec'].includes(k)) problems.push({ path: k, message: `unknown key "${k}"` });
  const meta = check(metadataSchema, doc.metadata, 'metadata', problems);
  if (meta && meta.version === undefined) problems.push({ path: 'metadata.version', message: 'is required: registered flows are immutable per version' });
  const spec = doc.spec;
  if (!isObj(spec)) {
    problems.push({ path: 'spec', message: 'must be an object { params, root }' });
  } else {
    for (const k of Object.keys(spec)) if (!SPEC_KEYS.includes(k)) problems.push({ path: `spec.${k}`, message: `unknown key "${k}"${didYouMean(k, SPEC_KEYS)}` });
    if ('params' in spec && !isObj(spec.params)) problems.push({ path: 'spec.params', message: 'must be an object of default parameters' });
    else appendAll(problems, paramNameProblems(spec.params, 'spec.params'));
    if (!('root' in spec)) problems.push({ path: 'spec.root', message: 'is required: the flow\'s root node' });
    else validateNode(spec.root, 'spec.root', { limits, problems, count: 0, inPod: false }, 1);
    if ('onExit' in spec) validateNode(spec.onExit, 'spec.onExit', { limits, problems, count: 0, inPod: false }, 1);
    if ('inputs' in spec) check(unitInputsSchema, spec.inputs, 'spec.inputs', problems);
    if ('outputs' in spec) check(unitOutputsSchema, spec.outputs, 'spec.outputs', problems);
    if ('parallelism' in spec && !(Number.isInteger(spec.parallelism) && (spec.parallelism as number) >= 1 && (spec.parallelism as number) <= MAX_PARALLELISM)) {
      problems.push({ path: 'spec.parallelism', message: `must be a whole number from 1 to ${MAX_PARALLELISM.toLocaleString('en')}: how many steps of the run (tasks, pods, generate steps, in every unit and fan-out) run at once` });
    }
    if ('deadline' in spec && !isSeconds(spec.deadline) && literalSeconds(spec.deadline) === undefined) {
      if (isComputedSeconds(spec.deadline)) check(computed(4096), spec.deadline, 'spec.deadline', problems);
      else problems.push({ path: 'spec.deadline', message: `must be a number of seconds, more than 0 and at most a week: how long the whole run (its root, every attempt) may take from its start${COMPUTED_SECONDS}` });
    }
  }
  if (problems.length > 0) throw invalid(problems);
  const out = doc as unknown as FlowDocument;
  out.metadata = { ...out.metadata, ...meta! } as FlowDocument['metadata'];
  return out;
}

/** Parse and validate Flow text (YAML or JSON). */
export function parseFlow(text: string, limits: Limits = DEFAULT_LIMITS): FlowDocument {
  return validateFlowDocument(parseText(text, 'document', limits.maxBytes), limits);
}
