/**
 * What the run page knows of a run while it watches it: a status signal per step (a box
 * re-renders alone when its step changes), the run's own status, and a count of steps
 * seen, which grows when the run makes steps the picture does not have yet (fan-out items,
 * rounds, generated units), so the page knows to lay the picture out again.
 */
import { batch, signal, type Signal } from '@preact/signals';
import type { RunView, StepEvent } from '../../src/run/run-view.ts';

export class RunState {
  readonly run = signal<RunView | undefined>(undefined);
  readonly runStatus = signal<string>('pending');
  /** bumps when steps appear that were not known */
  readonly shape = signal(0);
  /** bumps on every batch of events */
  readonly tick = signal(0);
  /** steps by status, kept as statuses change */
  readonly totals = signal<Record<string, number>>({});
  private readonly statuses = new Map<string, Signal<string>>();
  private readonly tally: Record<string, number> = {};

  /** The status signal of a step ('pending' until the run says otherwise). */
  status(step: string): Signal<string> {
    let s = this.statuses.get(step);
    if (!s) {
      s = signal('pending');
      this.statuses.set(step, s);
      this.tally.pending = (this.tally.pending ?? 0) + 1;
    }
    return s;
  }

  steps(): string[] {
    return [...this.statuses.keys()];
  }

  load(view: RunView): void {
    batch(() => {
      this.run.value = view;
      this.runStatus.value = view.status;
      const known = this.statuses.size;
      for (const [id, s] of Object.entries(view.steps)) this.set(id, s.status);
      if (this.statuses.size !== known || this.shape.peek() === 0) this.shape.value++;
      this.totals.value = { ...this.tally };
    });
  }

  apply(events: StepEvent[]): void {
    // Not batched: each status is painted as it is set, so the page changes in the order the run did.
    let grew = false;
    for (const e of events) {
      if (e.run) {
        this.runStatus.value = e.status;
        continue;
      }
      if (e.supersede) {
        // It runs again: what its earlier attempt made beneath it is superseded until made again (docs/runs.md).
        const beneath = e.step === '' ? '' : `${e.step}/`;
        for (const id of this.statuses.keys()) if (id !== e.step && id.startsWith(beneath)) this.set(id, 'superseded');
        if (e.step === '') continue;
      }
      if (!this.statuses.has(e.step)) grew = true;
      this.set(e.step, e.status);
    }
    batch(() => {
      if (grew) this.shape.value++;
      this.totals.value = { ...this.tally };
      this.tick.value++;
    });
  }

  /** Steps by status over the given ids, read without subscribing (callers re-read on `tick`). */
  counts(ids: Iterable<string>): Record<string, number> {
    const out: Record<string, number> = {};
    for (const id of ids) {
      const s = this.status(id).peek();
      out[s] = (out[s] ?? 0) + 1;
    }
    return out;
  }

  private set(step: string, status: string): void {
    const s = this.status(step);
    const was = s.peek();
    if (was === status) return;
    this.tally[was] -= 1;
    if (this.tally[was] === 0) delete this.tally[was];
    this.tally[status] = (this.tally[status] ?? 0) + 1;
    s.value = status;
  }
}
