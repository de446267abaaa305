/**
 * The process launcher: one small process per worker that starts the worker's containers
 * (macro steps of kind task) and passes their output and exits back (protocol in
 * launcher-protocol.ts).
 *
 * Why a process of its own: Node forks a child by copying its parent's page tables, and
 * waits, blocked, until the child has called exec. From a worker holding a big heap a
 * fork costs more than a millisecond of CPU, and the worker's event loop, which serves
 * every step it runs, stands still for as long as the child takes to exec: on a busy
 * machine that is milliseconds, and steps then run one at a time whatever the
 * concurrency. From this process, which holds little, forks are cheap, and the worker
 * only writes a line and reads the answers (docs/performance.md).
 *
 * Where the build compiled the launcher in C (launcher.c: posix_spawn, no fork at all),
 * that one runs instead, speaking the same protocol; this one is for where no C compiler
 * was (or STRATA_NATIVE_LAUNCHER=0): launcher-client.ts defaultLauncher.
 *
 * It serves only its worker: when its stdin ends (the worker exited or died), it kills
 * the process group of every container still running and exits. It ignores SIGINT,
 * SIGTERM and SIGHUP, so a Ctrl-C to the worker's group does not take it away from under
 * running steps; the worker's watchdog covers it too (the worker registers every group).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { frame, frameReader, readSpawn, type SpawnRequest, type ToLauncher } from './launcher-protocol.ts';
import { signalGroup } from './process-group.ts';

const children = new Map<number, ChildProcess>();
const out = process.stdout;

let blocked = false;
/** Write a frame; while the worker is behind reading (the pipe is full), containers' output waits in their pipes. */
function send(header: object, payload?: Buffer): void {
  if (out.write(frame(header, payload)) || blocked) return;
  blocked = true;
  for (const c of children.values()) for (const s of [c.stdout, c.stderr]) s?.pause();
  out.once('drain', () => {
    blocked = false;
    for (const c of children.values()) for (const s of [c.stdout, c.stderr]) s?.resume();
  });
}

function start(id: number, m: SpawnRequest): void {
  let child: ChildProcess;
  try {
    child = spawn(m.argv[0], m.argv.slice(1), { env: m.env, cwd: m.cwd, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (e) {
    return send({ t: 'error', id, code: (e as NodeJS.ErrnoException).code, message: (e as Error).message });
  }
  if (child.pid === undefined) {
    child.once('error', (e: NodeJS.ErrnoException) => send({ t: 'error', id, code: e.code, message: e.message }));
    return;
  }
  children.set(id, child);
  send({ t: 'spawn', id, pid: child.pid });
  child.stdout!.on('data', (b: Buffer) => send({ t: 'data', id, s: 1, n: b.length }, b));
  child.stderr!.on('data', (b: Buffer) => send({ t: 'data', id, s: 2, n: b.length }, b));
  if (blocked) for (const s of [child.stdout, child.stderr]) s?.pause();
  child.once('exit', (code, signal) => send({ t: 'exit', id, code, signal }));
  child.once('close', () => {
    children.delete(id);
    send({ t: 'close', id });
  });
}

function apply(m: ToLauncher, payload?: Buffer): void {
  if (m.t === 'spawn') start(m.id, readSpawn(m.argc, payload ?? Buffer.alloc(0)));
  else if (m.t === 'drop') {
    const child = children.get(m.id);
    child?.stdout?.destroy();
    child?.stderr?.destroy();
  }
}

for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(sig, () => undefined);
out.on('error', () => undefined); // the worker is gone: stdin ends too
const read = frameReader<ToLauncher & { n?: number }>((h, payload) => apply(h, payload));
process.stdin.on('data', read);
const end = () => {
  // The worker is gone: nothing it started may go on without it.
  for (const child of children.values()) if (child.pid !== undefined) signalGroup(child.pid, 'SIGKILL');
  process.exit(0);
};
process.stdin.on('end', end);
process.stdin.on('error', end);
send({ t: 'ready' });
