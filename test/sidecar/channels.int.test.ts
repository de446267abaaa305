/** The three channels of a pod: shared scratch dir, loopback ports with peers, IPC (unix sockets, FIFOs). */
import { afterEach, describe, expect, it } from 'vitest';
import { program, runPod, sh, TempDirs } from './harness.ts';

const dirs = new TempDirs();
afterEach(() => dirs.cleanup());

describe('quarterback channels', () => {
  it('shares one scratch directory between containers', async () => {
    const run = await runPod(await dirs.make(), {
      sequence: [
        { id: 'write', task: sh('echo "from write" > "$STRATA_SCRATCH/shared.txt"') },
        { id: 'read', task: sh('printf \'{"read":"%s","scratch":"%s"}\' "$(cat "$STRATA_SCRATCH/shared.txt")" "$STRATA_SCRATCH" > "$STRATA_OUTPUTS/result.json"') },
      ],
    });
    expect(run.done).toMatchObject({ ok: true, result: { read: 'from write', scratch: run.plan.scratchDir } });
  });

  it('gives each container a loopback port and its siblings\' addresses; two running at once talk over TCP', async () => {
    const run = await runPod(await dirs.make(), {
      graph: { nodes: { server: { task: program('serve-port.mjs') }, client: { task: program('connect-peer.mjs', 'SERVER') } } },
    });
    expect(run.done.ok).toBe(true);
    const client = run.last['p/client'].result as { got: string; peer: string };
    expect(client.got).toBe('hello from p/server');
    expect(client.peer).toMatch(/^127\.0\.0\.1:\d+$/);
  });

  it('names peers by their id inside the pod, upper-cased with non-alphanumerics as _', async () => {
    const run = await runPod(await dirs.make(), {
      sequence: [{ id: 'load-data', task: program('report.mjs') }, { id: 'g', graph: { nodes: { 'x.y': { task: program('report.mjs') } } } }],
    });
    const first = run.last['p/load-data'].result as { port: number; peers: Record<string, string> };
    const second = run.last['p/g/x.y'].result as { port: number; peers: Record<string, string> };
    expect(first.peers).toEqual({ STRATA_PEER_G_X_Y: `127.0.0.1:${second.port}` });
    expect(second.peers).toEqual({ STRATA_PEER_LOAD_DATA: `127.0.0.1:${first.port}` });
    expect(first.port).not.toBe(second.port);
  });

  it('gives fan-out items ports of their own when they start', async () => {
    const run = await runPod(await dirs.make(), { id: 'fan', fanOut: { over: [1, 2, 3], do: { task: program('report.mjs') } } });
    const ports = ['p/0', 'p/1', 'p/2'].map((s) => (run.last[s].result as { port: number }).port);
    expect(new Set(ports).size).toBe(3);
  });

  it('lets containers meet on a unix socket in STRATA_IPC', async () => {
    const run = await runPod(await dirs.make(), {
      graph: { nodes: { srv: { task: program('socket-pair.mjs', 'serve', 'talk.sock') }, cli: { task: program('socket-pair.mjs', 'connect', 'talk.sock') } } },
    }, { ipc: ['talk.sock'] });
    expect(run.done.ok).toBe(true);
    expect(run.last['p/cli'].result).toEqual({ got: 'over talk.sock from p/srv' });
  });

  it('makes the FIFOs named in channels.ipc before containers start', async () => {
    const run = await runPod(await dirs.make(), {
      graph: {
        nodes: {
          writer: { task: sh('echo through-the-fifo > "$STRATA_IPC/pipe"') },
          reader: { task: sh('read line < "$STRATA_IPC/pipe"; printf \'{"got":"%s"}\' "$line" > "$STRATA_OUTPUTS/result.json"') },
        },
      },
    }, { ipc: ['pipe'] });
    expect(run.done.ok).toBe(true);
    expect(run.last['p/reader'].result).toEqual({ got: 'through-the-fifo' });
  });
});
