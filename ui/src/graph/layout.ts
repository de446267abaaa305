/** ELK in a web worker (the page stays responsive while a large picture is laid out). */
import ELK from 'elkjs/lib/elk-api.js';
import workerUrl from 'elkjs/lib/elk-worker.min.js?url';
import type { Box } from '../model/step-tree.ts';
import { fromElk, toElk, type ElkNode, type Picture } from './elk-graph.ts';

type Elk = { layout(g: ElkNode): Promise<ElkNode> };
let elk: Elk | undefined;

function worker(): Elk {
  elk ??= new ELK({ workerUrl }) as unknown as Elk;
  return elk;
}

/** Start the worker and lay out a trivial graph, while the page fetches its data: ELK's start-up (about a second) is then paid in parallel. */
export function warmLayout(): void {
  void worker().layout({ id: 'warm-up', children: [{ id: 'a', width: 10, height: 10 }] }).catch(() => undefined);
}

export async function layout(root: Box): Promise<Picture> {
  return fromElk(root, await worker().layout(toElk(root)));
}
