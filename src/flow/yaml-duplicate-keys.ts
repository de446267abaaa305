/**
 * Keys given twice in one mapping of a YAML document read without the `yaml` package's own
 * check (`uniqueKeys: false`, which compares each key with every earlier one of its mapping),
 * as every YAML document is read (parse-text.ts, src/argo/lenient-yaml.ts), each
 * said with its path and lines, as go-yaml v2's strict reading (argo submit, kubectl apply)
 * says `line 13: key "command" already set in map`. Keys are compared as the data's object
 * keys are (`1` and `"1"` are one key there). A key a merge key (`<<`) brings in and the
 * mapping then gives is an override (YAML's merge type), not a key given twice.
 */
import { isMap, isPair, isScalar, isSeq, type Document } from 'yaml';
import type { Problem } from '../errors/strata-error.ts';
import { member, under } from '../logic/lossy-numbers.ts';

/**
 * The line (from 1) of a character offset of `text`: the offsets where lines begin, found
 * once, then a binary search, so a document with a key given twice in every mapping is
 * still read in O(n log n).
 */
function lineFinder(text: string): (offset: number) => number {
  let starts: number[] | undefined;
  return (offset) => {
    if (!starts) {
      starts = [0];
      for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
    }
    let [lo, hi] = [0, starts.length - 1];
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  };
}

const isMergeKey = (value: unknown): boolean => value === '<<' || (typeof value === 'symbol' && value.description === '<<');

/**
 * Each key given twice in one mapping of `doc` (parsed from `text`, its ranges offsets into
 * it), as a problem at the key's path under `source` naming the mapping and both lines.
 * Walked with a stack, so a deep document cannot overflow it; aliases are not followed
 * (their anchor's mapping is walked where it is written).
 */
export function yamlDuplicateKeys(doc: Document.Parsed, text: string, source: string): Problem[] {
  const out: Problem[] = [];
  const lineOf = lineFinder(text);
  const stack: Array<[unknown, string]> = [[doc.contents, '']];
  while (stack.length > 0) {
    const [node, at] = stack.pop()!;
    if (isSeq(node)) {
      for (let i = node.items.length - 1; i >= 0; i--) stack.push([node.items[i], member(at, i)]);
    } else if (isMap(node)) {
      const first = new Map<string, number>();
      const children: Array<[unknown, string]> = [];
      for (const pair of node.items) {
        if (!isPair(pair)) continue;
        const key = isScalar(pair.key) ? pair.key.value : undefined;
        if (key === undefined || isMergeKey(key)) {
          children.push([pair.value, at]);
          continue;
        }
        const name = String(key);
        const path = member(at, name);
        const offset = isScalar(pair.key) ? (pair.key.range?.[0] ?? 0) : 0;
        const earlier = first.get(name);
        if (earlier === undefined) first.set(name, offset);
        else {
          const [a, b] = [lineOf(earlier), lineOf(offset)];
          const lines = a === b ? `line ${a}` : `lines ${a} and ${b}`;
          out.push({ path: under(source, path), message: `the key ${JSON.stringify(name)} is given twice in ${at === '' ? source : under(source, at)} (${lines}; only its last value would be kept): give each key once` });
        }
        children.push([pair.value, path]);
      }
      for (let i = children.length - 1; i >= 0; i--) stack.push(children[i]);
    }
  }
  return out;
}
