/** ELK in a web worker (the page stays responsive while a large picture is laid out). */
import ELK from 'elkjs/lib/elk-api.js';
import workerUrl from 'elkjs/lib/elk-worker.min.js?url';
import type { Box } from '../model/step-tree.ts';
import { fromElk, toElk, type ElkNode, type Picture } from './elk-graph.ts';

let elk: { layout(g: ElkNode): Promise<ElkNode> } | undefined;

export async function layout(root: Box): Promise<Picture> {
  elk ??= new ELK({ workerUrl }) as unknown as { layout(g: ElkNode): Promise<ElkNode> };
  return fromElk(root, await elk.layout(toElk(root)));
}
