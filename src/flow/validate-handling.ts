/**
 * Validation of the failure-handling fields of a node (docs/flow-language.md, Failure
 * handling; Retries with back-off): `retry`, `continueOn`, and a graph node's conditions
 * (`dependsOn` entries with an outcome, `depends` expressions). Pure: problems out.
 */
import type { Problem } from '../errors/strata-error.ts';
import { DependsSyntaxError, parseDepends, conditionNodes } from './depends.ts';
import { durationSeconds } from './duration.ts';
import { didYouMean } from './nearest.ts';
import { check } from './zod-problems.ts';
import { computed } from './computed-schema.ts';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

const OUTCOMES = ['succeeded', 'failed', 'errored', 'skipped', 'completed', 'any'];

/** `retry: { limit, on, backoff: { duration, factor, max, maxDuration } }`. */
export function validateRetry(v: unknown, p: string, problems: Problem[]): void {
  if (!isObj(v)) return void problems.push({ path: p, message: 'must be an object { limit, on, backoff } (or write retries: N)' });
  unknown(v, ['limit', 'on', 'backoff'], p, problems);
  // Text with {{ references }} is resolved when the node starts (engine/retry-policy.ts resolvedRetry), as Argo substitutes its IntOrString limit.
  if (typeof v.limit === 'string' && v.limit.includes('{{')) check(computed(4096), v.limit, `${p}.limit`, problems);
  else if (!(Number.isInteger(v.limit) && (v.limit as number) >= 0 && (v.limit as number) <= 100)) problems.push({ path: `${p}.limit`, message: 'must be a whole number from 0 to 100 (the attempts after the first), or text with {{ references }} (such as "{{ params.n }}") giving one when the node starts' });
  if ('on' in v && !['failed', 'error', 'always', 'transient'].includes(v.on as string)) problems.push({ path: `${p}.on`, message: 'must be failed, error, always or transient' });
  if (!('backoff' in v)) return;
  const b = v.backoff;
  if (!isObj(b)) return void problems.push({ path: `${p}.backoff`, message: 'must be an object { duration, factor, max, maxDuration }' });
  unknown(b, ['duration', 'factor', 'max', 'maxDuration'], `${p}.backoff`, problems);
  if (!('duration' in b)) problems.push({ path: `${p}.backoff.duration`, message: 'is required: the wait before the second attempt' });
  for (const k of ['duration', 'max', 'maxDuration']) {
    if (k in b && durationSeconds(b[k] as never) === undefined) problems.push({ path: `${p}.backoff.${k}`, message: 'must be seconds (5, 0.5) or a duration like 500ms, 30s, 2m, 1h, at most a week' });
  }
  if ('factor' in b && !(typeof b.factor === 'number' && b.factor >= 1 && b.factor <= 100)) problems.push({ path: `${p}.backoff.factor`, message: 'must be a number from 1 to 100' });
}

/** `continueOn: { failed, error }`. */
export function validateContinueOn(v: unknown, p: string, problems: Problem[]): void {
  if (!isObj(v)) return void problems.push({ path: p, message: 'must be an object { failed, error }' });
  unknown(v, ['failed', 'error'], p, problems);
  for (const k of ['failed', 'error']) if (k in v && typeof v[k] !== 'boolean') problems.push({ path: `${p}.${k}`, message: 'must be true or false' });
}

/**
 * A graph node's dependencies: `dependsOn` (names, or `{ node, on }`) or `depends` (an
 * expression). `index` numbers the graph's node names; the declared index of each sibling
 * the node waits for is appended to `out`, for the cycle check.
 */
export function validateDependencies(node: Obj, np: string, name: string, index: ReadonlyMap<string, number>, problems: Problem[], out: number[]): void {
  if ('depends' in node && 'dependsOn' in node) problems.push({ path: `${np}.depends`, message: 'give dependsOn or depends, not both' });
  if ('depends' in node) {
    if (typeof node.depends !== 'string' || node.depends.trim() === '') {
      problems.push({ path: `${np}.depends`, message: 'must be an expression over sibling nodes, like "a && (b.Failed || c.Skipped)"' });
      return;
    }
    try {
      const deps = conditionNodes(parseDepends(node.depends, index));
      if (deps.includes(name)) problems.push({ path: `${np}.depends`, message: `"${name}" depends on itself` });
      for (const d of deps) if (d !== name) out.push(index.get(d)!);
    } catch (e) {
      if (!(e instanceof DependsSyntaxError)) throw e;
      problems.push({ path: `${np}.depends`, message: `${e.message}${didYouMeanIn(e.message, index, problems.length)}` });
    }
    return;
  }
  if (!('dependsOn' in node)) return;
  const list = node.dependsOn;
  if (!Array.isArray(list)) {
    problems.push({ path: `${np}.dependsOn`, message: 'must be a list of node names of the same graph (or { node, on })' });
    return;
  }
  const first = out.length;
  // The path of an entry is written only for a problem: a million nodes wrote a million paths.
  const at = (i: number) => `${np}.dependsOn[${i}]`;
  for (let i = 0; i < list.length; i++) {
    const d: unknown = list[i];
    let dep: unknown = d;
    if (isObj(d)) {
      unknown(d, ['node', 'on'], at(i), problems);
      dep = d.node;
      const on = Array.isArray(d.on) ? d.on : [d.on];
      if (on.length === 0 || !on.every((o) => OUTCOMES.includes(o as string))) problems.push({ path: `${at(i)}.on`, message: `must be one of ${OUTCOMES.join(', ')}, or a list of them` });
    }
    if (typeof dep !== 'string') {
      problems.push({ path: at(i), message: 'must be a node name of the same graph, or { node, on }' });
      continue;
    }
    const j = index.get(dep);
    if (dep === name) problems.push({ path: at(i), message: `"${name}" depends on itself` });
    else if (j === undefined) problems.push({ path: at(i), message: `no node named "${dep}"${didYouMean(dep, index.keys(), problems.length)}` });
    else if (out.indexOf(j, first) !== -1) problems.push({ path: at(i), message: `"${dep}" is listed twice` });
    else out.push(j);
  }
}

/** A hint for `no node named "x"` inside a depends error. */
function didYouMeanIn(message: string, index: ReadonlyMap<string, number>, found: number): string {
  const m = /^no node named "([^"]*)"/.exec(message);
  return m ? didYouMean(m[1], index.keys(), found) : '';
}

function unknown(obj: Obj, allowed: string[], p: string, problems: Problem[]): void {
  for (const k of Object.keys(obj)) if (!allowed.includes(k)) problems.push({ path: `${p}.${k}`, message: `unknown key "${k}"${didYouMean(k, allowed)}` });
}
