/**
 * YAML aliases repeat their anchor's whole node: a 1.3 MB anchor used 99 times is 129 MB
 * of data from a document well under every size limit (issue 13). Before a parsed document
 * is turned into data, its size once expanded is computed from its syntax tree without
 * expanding anything: each node's size is kept, so an alias costs its anchor's size and a
 * lookup. The size is that of the data as JSON text, about (scalars as written, a comma or
 * colon per member, brackets per collection), so it can be held to the same byte limit as
 * a document's text.
 */
import { isAlias, isMap, isPair, isScalar, isSeq, visit, type Document } from 'yaml';
import { StrataError } from '../errors/strata-error.ts';

interface Frame {
  node: unknown;
  kids: unknown[];
  next: number;
  size: number;
}

/** Throws a 413 StrataError naming `source` when `doc` expanded would exceed `maxBytes`; the size otherwise. */
export function checkExpandedSize(doc: Document.Parsed, source: string, maxBytes: number): number {
  const sizes = new Map<unknown, number>();
  const open = new Set<unknown>();
  const kidsOf = (node: unknown): unknown[] => {
    if (isAlias(node)) {
      const target = node.resolve(doc);
      if (target === undefined) return [];
      if (open.has(target)) throw invalid(source, `alias *${node.source} refers to a node that contains it`);
      return [target];
    }
    if (isSeq(node)) return node.items;
    if (isMap(node)) return node.items;
    if (isPair(node)) return [node.key, node.value];
    return [];
  };
  const own = (node: unknown): number => {
    if (isScalar(node)) return typeof node.value === 'string' ? node.value.length + 2 : String(node.value).length;
    if (isSeq(node) || isMap(node)) return 2 + Math.max(0, node.items.length - 1);
    if (isPair(node)) return 1;
    return 0;
  };
  if (doc.contents === null || doc.contents === undefined) return 0;
  const stack: Frame[] = [{ node: doc.contents, kids: kidsOf(doc.contents), next: 0, size: own(doc.contents) }];
  open.add(doc.contents);
  for (;;) {
    const top = stack[stack.length - 1];
    if (top.next < top.kids.length) {
      const kid = top.kids[top.next++];
      if (kid === null || kid === undefined) continue;
      const known = sizes.get(kid);
      if (known !== undefined) {
        top.size += known;
      } else {
        open.add(kid);
        stack.push({ node: kid, kids: kidsOf(kid), next: 0, size: own(kid) });
        continue;
      }
    } else {
      stack.pop();
      open.delete(top.node);
      sizes.set(top.node, top.size);
      if (stack.length === 0) return top.size;
      stack[stack.length - 1].size += top.size;
    }
    if (stack[stack.length - 1].size > maxBytes) {
      throw new StrataError('too_large', `${source}: expands to more than ${maxBytes} bytes once its YAML aliases are expanded`, {
        problems: [{ path: source, message: `more than ${maxBytes} bytes once its aliases are expanded` }],
      });
    }
  }
}

function invalid(source: string, message: string): StrataError {
  return new StrataError('invalid_document', `${source}: ${message}`, { problems: [{ path: source, message }] });
}

/** The most YAML aliases (`*name`) one document may hold (docs/flow-language.md, Limits). */
export const MAX_ALIASES = 100;

/**
 * Throws an `invalid_document` StrataError naming `source` and the line and column (read in
 * `text`, the parsed text, when given) of the alias past MAX_ALIASES in `doc`. Each alias
 * written counts once, however deep the anchors it names hold other aliases: their cost is
 * what checkExpandedSize measures.
 */
export function checkAliasCount(doc: Document.Parsed, source: string, text?: string): void {
  let count = 0;
  let past: { source: string; offset?: number } | undefined;
  visit(doc, {
    Alias(_key, node) {
      if (++count <= MAX_ALIASES) return undefined;
      past = { source: node.source, offset: node.range?.[0] };
      return visit.BREAK;
    },
  });
  if (!past) return;
  const at = text !== undefined && past.offset !== undefined ? ` at ${lineColumn(text, past.offset)}` : '';
  throw invalid(source, `more than ${MAX_ALIASES} YAML aliases in one document (*${past.source}${at} is the ${MAX_ALIASES + 1}st); the limit is ${MAX_ALIASES}`);
}

/** `line L, column C` (both from 1) of `offset` in `text`. */
function lineColumn(text: string, offset: number): string {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  return `line ${line}, column ${offset - before.lastIndexOf('\n')}`;
}
