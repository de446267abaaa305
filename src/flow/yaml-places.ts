/**
 * Where a parsed YAML document breaks a rule the `yaml` package finds only while it makes
 * data (`doc.toJS`), whose error has no place: an alias naming no anchor set before it in its
 * document (an anchor of another `---` document included), and a merge key (`<<`) given
 * something other than a map or a list of maps (Argo tester 8, S6). Said with the line and
 * column of the alias or the merge key, as the parser's own errors are.
 */
import { isAlias, isMap, isScalar, isSeq, visit, type Document, type Node } from 'yaml';

/** `line L, column C` (both from 1) of character offset `offset` of `text`. */
export function lineColumn(text: string, offset: number): string {
  let line = 1;
  let start = 0;
  for (let i = text.indexOf('\n'); i >= 0 && i < offset; i = text.indexOf('\n', i + 1)) {
    line++;
    start = i + 1;
  }
  return `line ${line}, column ${offset - start + 1}`;
}

const isMergeKey = (key: unknown): boolean => isScalar(key) && (key.value === '<<' || (typeof key.value === 'symbol' && key.value.description === '<<'));

/** A scalar said short: its alias when it is one, and its value as JSON (clipped). */
function scalarText(node: unknown, target: unknown): string {
  const value = isScalar(target) ? target.value : target;
  const shown = JSON.stringify(typeof value === 'symbol' ? String(value.description) : value ?? null) ?? 'null';
  const clipped = shown.length > 40 ? `${shown.slice(0, 40)}…` : shown;
  return isAlias(node) ? `*${node.source}, ${clipped}` : clipped;
}

/**
 * The first alias without an anchor before it, or merge key given a scalar, of `doc` (parsed
 * from `text`, its ranges offsets into it), said with its line and column; undefined when
 * there is none (the error is then another, said in the package's words).
 */
export function toJsProblem(doc: Document.Parsed, text: string): string | undefined {
  // The anchors set so far, in document order: an alias reads the last one of its name before it.
  const anchors = new Map<string, Node>();
  let said: string | undefined;
  const resolve = (n: unknown): unknown => (isAlias(n) ? anchors.get(n.source) : n);
  visit(doc, {
    Node(_key, node) {
      if (isAlias(node)) {
        if (!anchors.has(node.source)) {
          said = `alias *${node.source} at ${lineColumn(text, node.range?.[0] ?? 0)} names no anchor set before it in its document (an anchor holds only in the document it is set in; documents are separated by ---)`;
          return visit.BREAK;
        }
      } else if (node.anchor) anchors.set(node.anchor, node);
      return undefined;
    },
    Pair(_key, pair) {
      if (!isMergeKey(pair.key)) return undefined;
      const where = `the merge key << at ${lineColumn(text, (pair.key as Node).range?.[0] ?? 0)}`;
      const source = resolve(pair.value);
      if (source === undefined || isMap(source)) return undefined; // an alias without anchor is said by Node
      if (isSeq(source)) {
        const item = source.items.find((x) => resolve(x) !== undefined && !isMap(resolve(x)));
        if (item === undefined) return undefined;
        said = `${where} is given a list holding a ${isSeq(resolve(item)) ? 'list' : 'scalar'} (${isSeq(resolve(item)) ? 'a list' : scalarText(item, resolve(item))}); it merges a map or a list of maps`;
        return visit.BREAK;
      }
      said = `${where} is given a scalar (${scalarText(pair.value, source)}); it merges a map or a list of maps`;
      return visit.BREAK;
    },
  });
  return said;
}
