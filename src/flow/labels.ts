/**
 * Labels: the one rule for every label strata takes (a run's, a Flow's, a Dataset's, a
 * Rule's, a Schedule's and a Hook's, an Argo Workflow's) and for a selector's keys.
 * Kubernetes' own rule (IsQualifiedName, IsValidLabelValue), so that every label can be
 * selected (label-selector.ts splits at "," and "=" and trims) and a document moves to and
 * from Kubernetes (the operator's resources, Argo's documents) unchanged. docs/operating.md,
 * Labels. Pure.
 */
import { z } from 'zod';
import { shortHash } from './short-hash.ts';

/** At most this many labels in one place. */
export const MAX_LABELS = 64;

export const LABEL_KEY_RULE = 'a name of at most 63 letters, digits, "-", "_" and ".", beginning and ending with a letter or digit, after an optional prefix and "/" (a DNS subdomain of at most 253 lower-case letters, digits, "-" and "."), as Kubernetes takes it';
export const LABEL_VALUE_RULE = 'empty, or at most 63 letters, digits, "-", "_" and ".", beginning and ending with a letter or digit, as Kubernetes takes it';

const NAME = /^[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** Whether `key` is a label key: an optional DNS-subdomain prefix and "/", then a name. */
export function isLabelKey(key: string): boolean {
  const slash = key.indexOf('/');
  if (slash === -1) return NAME.test(key);
  const prefix = key.slice(0, slash);
  return prefix.length > 0 && prefix.length <= 253 && prefix.split('.').every((part) => DNS_LABEL.test(part)) && NAME.test(key.slice(slash + 1));
}

/** Whether `value` is a label value: empty or a name. */
export function isLabelValue(value: string): boolean {
  return value === '' || NAME.test(value);
}

/**
 * A label value for `text`: `text` itself when it is one, else its characters the rule takes
 * (others as "-") cut to leave room for "-" and a short hash of the whole, so that two texts
 * rarely fold to one. For a value strata writes from a name that may not fit (a step id, a
 * Dataset's name of 64 characters, an Argo Workflow's name).
 */
export function labelValueOf(text: string): string {
  if (isLabelValue(text)) return text;
  const hash = shortHash(text);
  const head = text.replace(/[^A-Za-z0-9_.-]+/g, '-').slice(0, 63 - hash.length - 1).replace(/^[^A-Za-z0-9]+|[^A-Za-z0-9]+$/g, '');
  return head ? `${head}-${hash}` : hash;
}

/**
 * Labels: a record of strings whose every key and value keeps the rule. A broken one is an
 * issue at the record with its key in `params.key`, which zodProblems writes as
 * `labels["A B"]`: a key holds "." and "/", which a dotted path could not tell apart.
 */
export const labelsSchema = z.record(z.string(), z.string()).superRefine((labels, ctx) => {
  const keys = Object.keys(labels);
  if (keys.length > MAX_LABELS) ctx.addIssue({ code: 'custom', message: `at most ${MAX_LABELS} labels` });
  for (const key of keys) {
    if (!isLabelKey(key)) ctx.addIssue({ code: 'custom', message: `must be a label key: ${LABEL_KEY_RULE}`, params: { key } });
    else if (!isLabelValue(labels[key])) ctx.addIssue({ code: 'custom', message: `must be a label value: ${LABEL_VALUE_RULE}`, params: { key } });
  }
}).describe(`at most ${MAX_LABELS} labels as Kubernetes takes them (docs/operating.md, Labels): a key is ${LABEL_KEY_RULE.replace(/, as Kubernetes takes it$/, '')}; a value is ${LABEL_VALUE_RULE.replace(/, as Kubernetes takes it$/, '')}`);
