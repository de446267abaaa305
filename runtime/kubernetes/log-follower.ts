/**
 * Logs of a running pod, as they are written: each container instance is followed from
 * when it starts (a container restarted by an image update is a new instance) until it
 * ends, and its lines are reported against the step that wrote them (log-splitter.ts).
 * The quarterback's own lines and a task's go to the pod's step.
 */
import { Writable } from 'node:stream';
import { Log, type KubeConfig, type V1Pod } from '@kubernetes/client-node';
import type { LogReport } from '../pod-runtime.ts';
import { StepLogSplitter } from './log-splitter.ts';
import { CONTAINERS } from './pod-layout.ts';

export class LogFollower {
  private readonly log: Log;
  private readonly followed = new Set<string>();
  private readonly streams = new Set<Promise<void>>();
  private readonly controllers = new Set<AbortController>();
  private stopped = false;

  constructor(kc: KubeConfig, private readonly namespace: string, private readonly podStep: string, private readonly onLog: (r: LogReport) => void) {
    this.log = new Log(kc);
  }

  /** Look at the pod's containers and follow those that have started and are not followed yet. */
  update(pod: V1Pod): void {
    if (this.stopped) return;
    const name = pod.metadata!.name!;
    for (const c of [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])]) {
      if (!c.state?.running && !c.state?.terminated) continue;
      if (c.name === CONTAINERS.init) continue; // it only copies the entrypoint
      const instance = `${c.name}#${c.restartCount ?? 0}`;
      if (this.followed.has(instance)) continue;
      this.followed.add(instance);
      this.follow(name, c.name);
    }
  }

  /** Resolves once every followed stream has ended, or after `limitMs`. */
  async drained(limitMs: number): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const limit = new Promise<void>((r) => (timer = setTimeout(r, limitMs)));
    await Promise.race([Promise.all([...this.streams]), limit]);
    clearTimeout(timer);
  }

  stop(): void {
    this.stopped = true;
    for (const c of this.controllers) c.abort();
  }

  private follow(pod: string, container: string): void {
    const markers = container !== CONTAINERS.quarterback && container !== CONTAINERS.task;
    const splitter = new StepLogSplitter(this.podStep, markers);
    const emit = (chunks: ReturnType<StepLogSplitter['push']>) => {
      for (const c of chunks) this.onLog({ type: 'log', step: c.step, stream: 'stdout', chunk: c.chunk });
    };
    const done = new Promise<void>((resolve) => {
      const sink = new Writable({
        write(chunk: Buffer, _enc, cb) {
          emit(splitter.push(chunk.toString('utf8')));
          cb();
        },
        final(cb) {
          emit(splitter.end());
          cb();
        },
      });
      sink.on('finish', () => resolve());
      sink.on('close', () => resolve());
      sink.on('error', () => resolve());
      this.log
        .log(this.namespace, pod, container, sink, { follow: true })
        .then((ctl) => {
          this.controllers.add(ctl);
          if (this.stopped) ctl.abort();
        })
        // Not started after all, or the pod is gone: nothing to read.
        .catch(() => resolve());
    });
    this.streams.add(done);
    void done.then(() => this.streams.delete(done));
  }
}
