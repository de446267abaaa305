/**
 * Label selectors as kubectl and argo take them: `team=analytics,env!=prod,tier` (equal,
 * not equal, has the key), every part must hold. Pure.
 */
import { StrataError } from '../errors/strata-error.ts';
import { isLabelKey, LABEL_KEY_RULE } from '../flow/labels.ts';

export type Selector = Array<{ key: string; op: '=' | '!=' | 'exists'; value?: string }>;

/** Parse a selector; a part that is not `k=v`, `k==v`, `k!=v` or `k` with a label key (labels.ts) is a 400 naming it. */
export function parseSelector(text: string): Selector {
  const out: Selector = [];
  for (const raw of text.split(',').map((p) => p.trim()).filter(Boolean)) {
    const m = /^([^=!]+?)\s*(==|!=|=)\s*(.*)$/.exec(raw);
    const key = (m ? m[1] : raw).trim();
    if (!isLabelKey(key)) throw new StrataError('invalid_request', `label selector part "${raw}" is not key=value, key!=value or key, where a key is ${LABEL_KEY_RULE}`);
    if (!m) out.push({ key, op: 'exists' });
    else out.push({ key, op: m[2] === '!=' ? '!=' : '=', value: m[3].trim() });
  }
  return out;
}

/** Whether `labels` satisfy every part of `selector`. */
export function matches(selector: Selector, labels: Record<string, string>): boolean {
  return selector.every((s) => {
    const has = Object.hasOwn(labels, s.key);
    if (s.op === 'exists') return has;
    if (s.op === '=') return has && labels[s.key] === s.value;
    return !has || labels[s.key] !== s.value;
  });
}
