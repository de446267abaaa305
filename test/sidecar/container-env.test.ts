import { describe, expect, it } from 'vitest';
import { containerEnv } from '../../sidecar/container-env.ts';
import { peerKey, peerVariable } from '../../runtime/process/port-book.ts';

const input = {
  base: { PATH: '/bin', STRATA_HOME: '/leak', HOME: undefined },
  runId: 'r1', step: 'p/fan/2', attempt: 2, inputsDir: '/in', outputsDir: '/out', scratchDir: '/scratch', ipcDir: '/ipc',
  // Its own entry in the pod's list is not a peer of its own.
  port: 4100, peers: { list: [['p/load', peerVariable('load'), '127.0.0.1:4101'], ['p/fan/2', peerVariable('fan/2'), '127.0.0.1:4100']] as const, skip: 'p/fan/2' }, params: { a: 1 },
};

describe('containerEnv', () => {
  it('lays out the contract of DESIGN.md section 4', () => {
    expect(containerEnv({ ...input, item: { id: 'x' }, round: 2 })).toEqual({
      PATH: '/bin',
      STRATA_RUN: 'r1', STRATA_STEP: 'p/fan/2', STRATA_ATTEMPT: '2', STRATA_INPUTS: '/in', STRATA_OUTPUTS: '/out', STRATA_SCRATCH: '/scratch', STRATA_IPC: '/ipc',
      STRATA_PORT: '4100', STRATA_PEER_LOAD: '127.0.0.1:4101', STRATA_PARAMS: '{"a":1}', STRATA_ITEM: '{"id":"x"}', STRATA_ROUND: '2',
    });
  });

  it('leaves out STRATA_ITEM and STRATA_ROUND outside fan-outs and cycles, and keeps an item that is null', () => {
    const env = containerEnv(input);
    expect(env).not.toHaveProperty('STRATA_ITEM');
    expect(env).not.toHaveProperty('STRATA_ROUND');
    expect(containerEnv({ ...input, item: null }).STRATA_ITEM).toBe('null');
  });

  it('lets a task add variables but not override the contract', () => {
    const env = containerEnv({ ...input, task: { MODE: 'fast', STRATA_STEP: 'forged' } });
    expect(env.MODE).toBe('fast');
    expect(env.STRATA_STEP).toBe('p/fan/2');
  });
});

describe('peerKey', () => {
  it.each([
    ['server', 'SERVER'],
    ['g/load-data', 'G_LOAD_DATA'],
    ['fan/0', 'FAN_0'],
    ['x.y', 'X_Y'],
  ])('%s -> %s', (id, key) => expect(peerKey(id)).toBe(key));
});
