/**
 * What the stand-in kubelet does with a container, chosen by the container's image:
 * tests say `kubelet.onImage('bad/image', { kind: 'pullBackOff' })`. Without a behavior a
 * container runs as a real process (process mode) or exits 0 at once (scripted mode).
 */
export type Behavior =
  /** runs, writes `log`, exits with `code` (default 0); `result` is written to its STRATA_OUTPUTS/result.json */
  | { kind: 'exit'; code?: number; log?: string; result?: unknown }
  /** never starts: ErrImagePull, then ImagePullBackOff */
  | { kind: 'pullBackOff'; message?: string }
  /** runs, then is killed for using too much memory (exit 137, OOMKilled) */
  | { kind: 'oom' }
  /** runs, then the node evicts the whole pod */
  | { kind: 'evict'; message?: string }
  /** runs, then the pod passes its activeDeadlineSeconds */
  | { kind: 'deadline' }
  /** runs until the pod is deleted; `stopMs`: it takes that long to stop (a program that ends slowly on SIGTERM), the pod terminating meanwhile */
  | { kind: 'hang'; stopMs?: number }
  /** the pod is never scheduled: Pending, PodScheduled False (Unschedulable), no node, no startTime, so no kubelet enforces its activeDeadlineSeconds */
  | { kind: 'unschedulable'; message?: string }
  /** when it starts, every open watch is closed (and with `compact`, their resourceVersions expire); then `then` */
  | { kind: 'dropWatch'; compact?: boolean; then: Behavior };
