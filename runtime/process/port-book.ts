/**
 * Loopback ports of a pod's containers. Every container the plan names up front gets a
 * free port before the first one starts, so each sees all its siblings in
 * STRATA_PEER_<ID>; fan-out items get theirs when they start. A cycle member keeps one
 * port across rounds (`ring/x#0`, `ring/x#1` are the same peer `RING_X`): only one round
 * of it runs at a time.
 */
import { createServer, type Server } from 'node:net';
import { joinId, type PlanNode } from '../../src/plan/plan-node.ts';
import { appendAll } from '../../src/flow/append-all.ts';

/** A sibling's name in STRATA_PEER_<ID>: its id inside the pod, upper-cased, non-alphanumerics as `_`. */
export function peerKey(relativeId: string): string {
  return relativeId.toUpperCase().replace(/[^A-Z0-9]/g, '_');
}

/** A sibling's variable, STRATA_PEER_<ID> (DESIGN.md section 4). */
export function peerVariable(relativeId: string): string {
  return `STRATA_PEER_${peerKey(relativeId)}`;
}

/**
 * A container's peers: every entry of `list` (port key, STRATA_PEER_<ID>, host:port) but the
 * one whose port key is `skip` (its own). The list is the book's own, not a copy.
 */
export interface Peers {
  readonly list: ReadonlyArray<readonly [key: string, variable: string, address: string]>;
  readonly skip?: string;
}

/** The host part of every peer address: containers of a pod share the loopback network. */
export const LOOPBACK = '127.0.0.1';

/** The ports of one pod's containers, by step (a cycle member's rounds share one). */
export class PortBook {
  private readonly ports = new Map<string, number>();
  /** [port key, STRATA_PEER_<ID>, host:port], made once as ports are added (not again for each container) */
  private readonly peers: Array<readonly [string, string, string]> = [];
  private readonly pending = new Map<string, Promise<number>>();

  /** `prefix`: the pod's step id, which peer names leave out. */
  constructor(private readonly prefix: string) {}

  /** Allocate ports for these steps at once (distinct, all free when looked up). */
  async reserve(steps: string[]): Promise<void> {
    const keys = [...new Set(steps.map(portKey))].filter((k) => !this.ports.has(k));
    const ports = await freePorts(keys.length, new Set(this.ports.values()));
    keys.forEach((k, i) => {
      this.ports.set(k, ports[i]);
      this.peers.push([k, peerVariable(this.relative(k)), `${LOOPBACK}:${ports[i]}`]);
    });
  }

  /** The port of a step when it has one already. */
  known(step: string): number | undefined {
    return this.ports.get(portKey(step));
  }

  /** The port of a step, allocating one when it has none yet. */
  async portFor(step: string): Promise<number> {
    const key = portKey(step);
    const known = this.ports.get(key);
    if (known !== undefined) return known;
    let p = this.pending.get(key);
    if (!p) {
      p = this.reserve([step]).then(() => this.ports.get(key)!);
      this.pending.set(key, p);
      void p.finally(() => this.pending.delete(key));
    }
    return p;
  }

  /**
   * Every other container's variable (STRATA_PEER_<ID>) and address: the book's list, less
   * the step's own. A container of a pod of 200 has 199 peers, and making their names and an
   * object of them for each container was a fifth of what the quarterback allocated a
   * container (docs/performance.md, Thirteenth pass).
   */
  peersOf(step: string): Peers {
    return { list: this.peers, skip: portKey(step) };
  }

  private relative(id: string): string {
    return this.prefix !== '' && id.startsWith(`${this.prefix}/`) ? id.slice(this.prefix.length + 1) : id;
  }
}

/** A step's port identity: its id without cycle round marks. */
export function portKey(step: string): string {
  return step.replace(/#(\d+|\*)(?=\/|$)/g, '');
}

/** Step ids of the containers a plan names before it runs (fan-out items are not known yet). */
export function staticContainers(node: PlanNode, parentId: string): string[] {
  const id = joinId(parentId, node.seg);
  switch (node.kind) {
    case 'task':
    case 'generate':
      return [id];
    case 'sequence':
    case 'graph':
      return node.children.flatMap((c) => staticContainers(c, id));
    case 'cycle':
      return node.ring.flatMap((c) => staticContainers(c, id));
    case 'fanIn':
    case 'use':
      return staticContainers(node.body, id);
    default:
      return [];
  }
}

/** `n` distinct free loopback ports, none of `taken`: all held open while looked up, then released. */
export async function freePorts(n: number, taken: Set<number> = new Set()): Promise<number[]> {
  const servers: Server[] = [];
  const ports: number[] = [];
  try {
    while (ports.length < n) {
      const batch = await Promise.all(Array.from({ length: n - ports.length }, () => listen()));
      appendAll(servers, batch);
      for (const s of batch) {
        const port = (s.address() as { port: number }).port;
        if (!taken.has(port)) {
          taken.add(port);
          ports.push(port);
        }
      }
    }
  } finally {
    await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  }
  return ports;
}

function listen(): Promise<Server> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen({ port: 0, host: LOOPBACK, exclusive: true }, () => resolve(s));
  });
}
