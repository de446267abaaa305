/**
 * Logs of a running pod, as they are written: each container instance is followed from
 * when it starts (a container restarted by an image update is a new instance) until it
 * ends, and its lines are reported against the step that wrote them (log-splitter.ts).
 * The quarterback's own lines and a task's go to the pod's step.
 *
 * Only the attempt's own pod's lines (its uid): the pod log API takes a name, so a pod
 * made under the attempt's name (its own deleted, the same attempt run again by another
 * worker) could answer a stream opened for it. Nothing a stream carries is reported until
 * a read of the pod, sent once the stream has opened, shows the attempt's uid: the pod was
 * seen under the name before the stream was asked for and is still there after it opened,
 * and a uid is never given twice, so the name was that pod's when the API server looked it
 * up (docs/kubernetes.md, Logs). Another uid, or no pod, drops the stream and what it held.
 */
import { Writable } from 'node:stream';
import { CoreV1Api, Log, type KubeConfig, type V1Pod } from '@kubernetes/client-node';
import type { LogReport } from '../pod-runtime.ts';
import { tryUntil } from '../try-until.ts';
import { statusOf } from './kube-config.ts';
import { StepLogSplitter } from './log-splitter.ts';
import { CONTAINERS } from './pod-layout.ts';

export class LogFollower {
  private readonly log: Log;
  private readonly core: CoreV1Api;
  private readonly followed = new Set<string>();
  private readonly streams = new Set<Promise<void>>();
  private readonly controllers = new Set<AbortController>();
  /** aborted by stop(): the reads that tell whose a stream is are tried no more */
  private readonly stopping = new AbortController();

  constructor(kc: KubeConfig, private readonly namespace: string, private readonly podStep: string, private readonly onLog: (r: LogReport) => void) {
    this.log = new Log(kc);
    this.core = kc.makeApiClient(CoreV1Api);
  }

  /** Look at the pod's containers (the attempt's pod, as the watch told it) and follow those that have started and are not followed yet. */
  update(pod: V1Pod): void {
    if (this.stopping.signal.aborted) return;
    const name = pod.metadata!.name!;
    const uid = pod.metadata?.uid;
    for (const c of [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])]) {
      if (!c.state?.running && !c.state?.terminated) continue;
      if (c.name === CONTAINERS.init) continue; // it only copies the entrypoint
      const instance = `${c.name}#${c.restartCount ?? 0}`;
      if (this.followed.has(instance)) continue;
      this.followed.add(instance);
      this.follow(name, uid, c.name);
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
    this.stopping.abort();
    for (const c of this.controllers) c.abort();
  }

  private follow(pod: string, uid: string | undefined, container: string): void {
    const markers = container !== CONTAINERS.quarterback && container !== CONTAINERS.task;
    const splitter = new StepLogSplitter(this.podStep, markers);
    const emit = (chunks: ReturnType<StepLogSplitter['push']>) => {
      for (const c of chunks) this.onLog({ type: 'log', step: c.step, stream: 'stdout', chunk: c.chunk });
    };
    // What the stream carried before it was known to be the attempt's pod's: held, never reported before.
    let owner: 'unknown' | 'ours' | 'other' = 'unknown';
    const held: string[] = [];
    let ended = false;
    let decide!: () => void;
    const decided = new Promise<void>((r) => (decide = r));
    const streamed = new Promise<void>((resolve) => {
      const sink = new Writable({
        write(chunk: Buffer, _enc, cb) {
          const text = chunk.toString('utf8');
          if (owner === 'ours') emit(splitter.push(text));
          else if (owner === 'unknown') held.push(text);
          cb();
        },
        final(cb) {
          ended = true;
          if (owner === 'ours') emit(splitter.end());
          cb();
        },
      });
      sink.on('finish', () => resolve());
      sink.on('close', () => resolve());
      sink.on('error', () => resolve());
      this.log
        .log(this.namespace, pod, container, sink, { follow: true })
        .then(async (ctl) => {
          this.controllers.add(ctl);
          if (this.stopping.signal.aborted) return ctl.abort();
          // The stream has opened: the name held the pod seen before if it holds it still.
          const now = await this.uidOf(pod);
          if (now === undefined) return ctl.abort(); // stopped meanwhile: nothing more is reported
          if (uid !== undefined && now === uid) {
            owner = 'ours';
            for (const text of held.splice(0)) emit(splitter.push(text));
            if (ended) emit(splitter.end());
            return;
          }
          owner = 'other';
          held.length = 0;
          ctl.abort();
          resolve();
          const what = now === null ? `was gone before the stream could be told to be this attempt's pod's (uid ${uid ?? 'unknown'})` : `is another pod now (uid ${now}, not this attempt's ${uid ?? 'unknown'})`;
          this.onLog({ type: 'log', step: this.podStep, stream: 'stderr', chunk: `[strata] the log of container ${container} was not read: pod ${pod} ${what}\n` });
        })
        // Not started after all, or the pod is gone: nothing to read.
        .catch(() => resolve())
        .finally(() => decide());
    });
    // Over once the stream has ended and whose it was is known (what it held is reported or dropped by then).
    const done = Promise.all([streamed, decided]).then(() => undefined);
    this.streams.add(done);
    void done.then(() => this.streams.delete(done));
  }

  /** The uid of the pod now under `name`: null when there is none, undefined once stopped (a failed read is tried again until then). */
  private async uidOf(name: string): Promise<string | null | undefined> {
    const read = () =>
      this.core.readNamespacedPod({ namespace: this.namespace, name }).then(
        (p) => p.metadata?.uid ?? null,
        (e) => {
          if (statusOf(e) === 404) return null;
          throw e;
        },
      );
    return tryUntil(read, this.stopping.signal);
  }
}
