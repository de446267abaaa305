/** The Dataset document: a data set's description (DESIGN.md section 3). */
import { z } from 'zod';
import { invalid, type Problem } from '../errors/strata-error.ts';
import { headerProblems } from '../flow/flow-document.ts';
import { DEFAULT_LIMITS, LIMIT_VARIABLES, type Limits } from '../flow/limits.ts';
import { ID_PATTERN, metadataSchema } from '../flow/task-schema.ts';
import type { JsonValue } from '../flow/types.ts';
import { check } from '../flow/zod-problems.ts';

export interface TreeNode {
  id: string;
  children?: TreeNode[];
  [attr: string]: JsonValue | TreeNode[] | undefined;
}

export interface Dataset {
  apiVersion: 'strata/v1';
  kind: 'Dataset';
  metadata: { name: string; labels?: Record<string, string> };
  spec: {
    shape: string;
    location?: string;
    format?: string;
    size?: { records?: number; bytes?: number };
    partitions?: JsonValue[];
    levels?: Array<{ name: string; operation?: string }>;
    root?: TreeNode;
    attributes?: Record<string, JsonValue>;
  };
}

export const datasetSpecSchema = z.strictObject({
  shape: z.string().regex(/^[a-z][a-z0-9-]{0,31}$/, 'must be a shape name like tree, table, stream, files'),
  location: z.string().regex(/^(file|s3|https?|redis-stream):\/\/\S+$/, 'must be a file://, s3://, http(s):// or redis-stream:// address').optional(),
  format: z.string().max(64).optional(),
  size: z.strictObject({ records: z.number().int().nonnegative().optional(), bytes: z.number().int().nonnegative().optional() }).optional(),
  partitions: z.array(z.unknown()).max(100_000).optional(),
  levels: z.array(z.strictObject({ name: z.string().regex(ID_PATTERN, 'must be a level name'), operation: z.string().regex(ID_PATTERN, 'must be an operation name').optional() })).max(64).optional(),
  root: z.unknown().optional(),
  attributes: z.record(z.string(), z.unknown()).optional(),
});

/** Validate a parsed Dataset within `limits` (its tree's nodes and levels); throws a StrataError listing every problem. */
export function validateDataset(doc: unknown, limits: Pick<Limits, 'maxTreeNodes' | 'maxTreeDepth'> = DEFAULT_LIMITS): Dataset {
  const problems: Problem[] = [];
  if (!headerProblems(doc, 'Dataset', problems)) throw invalid(problems);
  for (const k of Object.keys(doc)) if (!['apiVersion', 'kind', 'metadata', 'spec'].includes(k)) problems.push({ path: k, message: `unknown key "${k}"` });
  check(metadataSchema, doc.metadata, 'metadata', problems);
  const spec = check(datasetSpecSchema, doc.spec, 'spec', problems);
  if (spec && spec.root !== undefined) validateTree(spec.root, 'spec.root', problems, limits);
  if (problems.length > 0) throw invalid(problems);
  return doc as unknown as Dataset;
}

/**
 * A tree: nodes with unique ids, children lists, at most `limits.maxTreeDepth` deep. Iterative: no recursion limit.
 * A node's path is written only for a problem: each node seen keeps its parent's number and
 * its index among the children (a path string a node, kept for the duplicate's message, was
 * most of what checking a 100,000-node tree made).
 */
function validateTree(root: unknown, path: string, problems: Problem[], limits: Pick<Limits, 'maxTreeNodes' | 'maxTreeDepth'>): void {
  const { maxTreeNodes, maxTreeDepth } = limits;
  const seen = new Map<string, number>(); // id -> the number of the node that has it
  const parentOf: number[] = [];
  const indexOf: number[] = [];
  const pathOf = (k: number): string => {
    const steps: number[] = [];
    for (let at = k; at > 0; at = parentOf[at]) steps.push(indexOf[at]);
    let p = path;
    for (let i = steps.length - 1; i >= 0; i--) p += `.children[${steps[i]}]`;
    return p;
  };
  // The nodes still to see, with their parent's number, index and depth, side by side.
  const nodes: unknown[] = [root];
  const parents: number[] = [-1];
  const indexes: number[] = [-1];
  const depths: number[] = [1];
  let count = 0;
  while (nodes.length > 0 && problems.length < 100) {
    const node = nodes.pop();
    const depth = depths.pop()!;
    const k = parentOf.length;
    parentOf.push(parents.pop()!);
    indexOf.push(indexes.pop()!);
    if (++count > maxTreeNodes) return void problems.push({ path, message: `more than ${maxTreeNodes.toLocaleString('en')} tree nodes, the limit (${LIMIT_VARIABLES.maxTreeNodes})`, limit: LIMIT_VARIABLES.maxTreeNodes });
    if (typeof node !== 'object' || node === null || Array.isArray(node)) {
      problems.push({ path: pathOf(k), message: 'must be a tree node { id, children }' });
      continue;
    }
    const n = node as Record<string, unknown>;
    if (typeof n.id !== 'string' || !ID_PATTERN.test(n.id)) problems.push({ path: `${pathOf(k)}.id`, message: 'must be an id: a letter or digit, then at most 62 letters, digits, "_", "-" and "."' });
    else if (seen.has(n.id)) problems.push({ path: `${pathOf(k)}.id`, message: `duplicate tree node id "${n.id}" (also at ${pathOf(seen.get(n.id)!)})` });
    else seen.set(n.id, k);
    if (depth > maxTreeDepth) {
      problems.push({ path: pathOf(k), message: `tree deeper than ${maxTreeDepth} levels, the limit (${LIMIT_VARIABLES.maxTreeDepth})`, limit: LIMIT_VARIABLES.maxTreeDepth });
      continue;
    }
    if (n.children === undefined) continue;
    if (!Array.isArray(n.children)) {
      problems.push({ path: `${pathOf(k)}.children`, message: 'must be a list of tree nodes' });
      continue;
    }
    for (let i = n.children.length - 1; i >= 0; i--) {
      nodes.push(n.children[i]);
      parents.push(k);
      indexes.push(i);
      depths.push(depth + 1);
    }
  }
}
