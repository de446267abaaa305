/**
 * The worker's side of the quarterback protocol on the local runtime: start the sidecar
 * as a child in its own process group, read its messages as they come, stop it on abort.
 * The quarterback announces every container's pid, so should it die without cleaning up,
 * the containers' process groups are killed from here: nothing outlives the pod.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { builtCopy } from '../built-copy.ts';
import { appendTail } from '../process/exit-error.ts';
import { groupsGone, signalGroup } from '../process/process-group.ts';
import { decodeQuarterbackMessage, encode, lineSplitter, type DoneMessage, type LogMessage, type StepMessage } from '../quarterback/protocol.ts';
import type { Guard } from '../watchdog/guard.ts';
import type { AskReport } from '../pod-runtime.ts';
import { abortReason } from './abort-reason.ts';

/**
 * How the local runtime starts the quarterback: node on sidecar/bin.cjs (tsx, no build; see its header), or its
 * compiled copy when there is a fresh one (built-copy.ts). V8 single-threaded (QUARTERBACK_NODE_FLAGS).
 */
export const defaultQuarterback = (): string[] => [process.execPath, ...QUARTERBACK_NODE_FLAGS, fileURLToPath(builtCopy(new URL('../../sidecar/bin.cjs', import.meta.url)))];

/**
 * V8 without background threads in the quarterback: it forks every container, and its
 * compiler and GC threads working beside those forks cost more than they save. A pod of 200
 * `true` containers, paired rounds on the 2-vCPU machine (docs/performance.md, Twelfth
 * pass): about 3 ms less CPU a container for the quarterback, its forks and its containers
 * together, the forks' and bubblewrap's share included. And a young generation of at most
 * 2 MB a semi-space (V8's default grows to 16): every page the quarterback writes after a
 * fork is a copy-on-write fault, and allocating through a smaller one writes fewer distinct
 * pages between two forks (Thirteenth pass: 8 faults a container fewer, of about 170; 1 MB
 * gave more, the Twelfth pass).
 */
export const QUARTERBACK_NODE_FLAGS: readonly string[] = ['--single-threaded', '--max-semi-space-size=2'];

export interface QuarterbackProcessOptions {
  /** argv that starts the quarterback; the plan path is appended */
  command?: string[];
  env?: Record<string, string | undefined>;
  /** the quarterback's own grace for containers; we wait that and a second more before SIGKILL */
  killGraceMs: number;
  /** told of the quarterback's and every container's process group while they run */
  guard?: Guard;
}

export interface QuarterbackEnd {
  /** its last message; absent when it died before sending it */
  done?: DoneMessage;
  code: number | null;
  signal: NodeJS.Signals | null;
  /** the end of what it wrote to stderr */
  stderr: string;
}

/** Run the quarterback on a plan file until it has exited and every container it started is gone. */
export function runQuarterbackProcess(planPath: string, opts: QuarterbackProcessOptions, onMessage: (m: StepMessage | LogMessage | AskReport) => void, signal: AbortSignal): Promise<QuarterbackEnd> {
  const [cmd, ...args] = opts.command ?? defaultQuarterback();
  return new Promise((resolve) => {
    const child = spawn(cmd, [...args, planPath], { detached: true, stdio: ['pipe', 'pipe', 'pipe'], env: opts.env ?? process.env });
    const guard = opts.guard;
    if (child.pid !== undefined) guard?.group(child.pid);
    const containers = new Set<number>();
    let done: DoneMessage | undefined;
    let stderr = '';
    let force: NodeJS.Timeout | undefined;
    const lines = lineSplitter((line) => {
      const m = decodeQuarterbackMessage(line);
      if (!m) stderr = appendTail(stderr, `${line}\n`);
      else if (m.type === 'container' && m.event === 'started') {
        containers.add(m.pid);
        guard?.group(m.pid);
      } else if (m.type === 'container') {
        containers.delete(m.pid);
        guard?.ungroup(m.pid);
      }
      else if (m.type === 'done') done = m;
      // The run's answer goes back on stdin, as a cancel does (log version 8).
      else if (m.type === 'ask') onMessage({ type: 'ask', steps: m.steps, grant: (steps) => void (child.stdin.writable && child.stdin.write(encode({ type: 'grant', asked: m.steps, steps }))) });
      else if (m.type !== 'hello') onMessage(m);
    });
    child.stdout.on('data', (b: Buffer) => lines.push(b));
    child.stdout.on('end', () => lines.end());
    child.stderr.on('data', (b: Buffer) => (stderr = appendTail(stderr, b.toString())));
    child.stdin.on('error', () => undefined); // it may be gone already
    const killAll = () => {
      if (child.pid !== undefined) signalGroup(child.pid, 'SIGKILL');
      for (const pid of containers) signalGroup(pid, 'SIGKILL');
    };
    const onAbort = () => {
      child.stdin.write(encode({ type: 'cancel', reason: abortReason(signal) }));
      force = setTimeout(killAll, opts.killGraceMs + 1000);
    };
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
    child.once('error', (err) => {
      if (child.pid === undefined) stderr = `could not start the quarterback (${cmd}): ${err.message}`;
    });
    child.once('close', async (code, sig) => {
      signal.removeEventListener('abort', onAbort);
      if (force) clearTimeout(force);
      child.stdin.destroy();
      // Only when the quarterback died without seeing its containers out.
      if (containers.size > 0) {
        killAll();
        await groupsGone(containers);
      }
      for (const pid of containers) guard?.ungroup(pid);
      if (child.pid !== undefined) guard?.ungroup(child.pid);
      resolve({ done, code, signal: sig, stderr });
    });
  });
}
