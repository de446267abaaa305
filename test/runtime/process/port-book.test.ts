import { describe, expect, it } from 'vitest';
import { freePorts, PortBook, portKey, staticContainers, type Peers } from '../../../runtime/process/port-book.ts';
import { podRequestPod, program } from '../../sidecar/harness.ts';

describe('portKey', () => {
  it.each([
    ['p/ring/x#3', 'p/ring/x'],
    ['p/ring/s#12/a', 'p/ring/s/a'],
    ['p/ring/x#*', 'p/ring/x'],
    ['p/fan/3', 'p/fan/3'],
  ])('%s -> %s', (step, key) => expect(portKey(step)).toBe(key));
});

describe('staticContainers', () => {
  it('lists the containers a plan names up front, not fan-out items', () => {
    const pod = podRequestPod({
      sequence: [
        { id: 'a', task: program('report.mjs') },
        { id: 'g', graph: { nodes: { b: { task: program('report.mjs') } } } },
        { id: 'fan', fanOut: { over: [1, 2], do: { task: program('report.mjs') } } },
        { id: 'ring', cycle: { ring: [{ id: 'x', task: program('report.mjs') }], rounds: 2 } },
      ],
    });
    expect(staticContainers(pod.body, 'p')).toEqual(['p/a', 'p/g/b', 'p/ring/x#*']);
  });
});

/** The peers' variables as a container gets them. */
function peerEnv(peers: Peers): Record<string, string> {
  return Object.fromEntries(peers.list.filter(([key]) => key !== peers.skip).map(([, name, addr]) => [name, addr]));
}

describe('PortBook', () => {
  it('gives distinct ports and names every other container as a peer; rounds of a member share one', async () => {
    const book = new PortBook('p');
    await book.reserve(['p/a', 'p/ring/x#*']);
    const a = await book.portFor('p/a');
    const x0 = await book.portFor('p/ring/x#0');
    expect(await book.portFor('p/ring/x#5')).toBe(x0);
    expect(a).not.toBe(x0);
    expect(peerEnv(book.peersOf('p/a'))).toEqual({ STRATA_PEER_RING_X: `127.0.0.1:${x0}` });
    const item = await book.portFor('p/fan/0');
    expect(peerEnv(book.peersOf('p/ring/x#1'))).toEqual({ STRATA_PEER_A: `127.0.0.1:${a}`, STRATA_PEER_FAN_0: `127.0.0.1:${item}` });
  });

  it('finds free ports that are all different', async () => {
    const ports = await freePorts(20);
    expect(new Set(ports).size).toBe(20);
  });
});
