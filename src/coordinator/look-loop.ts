/**
 * One look at a time, once more if asked meanwhile, and a timer for the next look: what a
 * coordinator (runs due, coordinator.ts) and a scheduler (ticks due, app/scheduler.ts) do
 * instead of polling. `once` is the look; it says when to look next through `setTimer`
 * or `wakeBy`. Timers are unref'd, so a waiting loop never keeps a process alive.
 */
const LONGEST = 2 ** 31 - 1; // setTimeout's longest delay (ms)

export class LookLoop {
  private running: Promise<void> | undefined;
  private again = false;
  private stopped = false;
  private timer: NodeJS.Timeout | undefined;
  /** when the timer set looks next (ms since the epoch; Infinity: no timer) */
  private at = Infinity;

  /** `once`: one look; `onError`: what a look that threw does (typically `setTimer` for a retry). */
  constructor(private readonly once: () => Promise<void>, private readonly onError: (e: unknown) => void) {}

  /** Look now, or once more after the look under way; resolves when that look ends. */
  look(): Promise<void> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = this.once()
      .catch(this.onError)
      .finally(() => {
        this.running = undefined;
        if (this.again && !this.stopped) {
          this.again = false;
          void this.look();
        }
      });
    return this.running;
  }

  /** True while a look is under way or asked for. */
  get busy(): boolean {
    return this.running !== undefined || this.again;
  }

  /** When the timer looks next (ms since the epoch; Infinity: only when told). */
  get nextAt(): number {
    return this.at;
  }

  /** Look at `at` and not at any earlier time set before (Infinity: no timer). */
  setTimer(at: number): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.at = Infinity;
    this.wakeBy(at);
  }

  /** Look at `at`, unless a timer already looks sooner. */
  wakeBy(at: number): void {
    if (this.stopped || !(at < this.at)) return;
    if (this.timer) clearTimeout(this.timer);
    this.at = at;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.at = Infinity;
      void this.look();
    }, Math.min(LONGEST, Math.max(0, at - Date.now())));
    this.timer.unref();
  }

  /** No more looks of its own accord (a look under way still ends). */
  stop(): void {
    this.stopped = true;
    this.setTimer(Infinity);
  }
}
