/**
 * Where a run's state lives in Redis: the key of each of its parts and of the sets that
 * index runs (key layout in docs/redis.md). The base of RunStore (run-store.ts), which
 * reads (run-queries.ts) and changes (run-store.ts) what these keys hold.
 */
import type { Redis } from 'ioredis';

/** How long after a sync begins a coordinator takes its run up, should that sync not record everything (ms). */
export const DEFAULT_DUE_GRACE_MS = 5000;

/** The keys of the runs under one prefix; `redis` is the connection the stores built on it use. */
export class RunKeys {
  /**
   * @param dueGraceMs how long after a log entry is appended its run is due (coordinator.ts)
   * unless the sync that follows records everything first
   */
  constructor(
    readonly redis: Redis,
    readonly prefix = 'strata:',
    readonly dueGraceMs = DEFAULT_DUE_GRACE_MS,
  ) {}

  /** A run's key, or one of its parts' (`part` '' with a trailing colon: the prefix of them all). */
  key(id: string, part?: string): string {
    return `${this.prefix}run:${id}${part === undefined ? '' : `:${part}`}`;
  }

  /** Runs not ended yet (a set of ids). */
  get activeKey(): string {
    return `${this.prefix}runs:active`;
  }

  /** Runs due to be taken up by a coordinator, by when (ms); also the channel waiting coordinators are told on. */
  get dueKey(): string {
    return `${this.prefix}runs:due`;
  }

  /** The earliest time anything is due, as the coordinators last saw it (absent: nothing is). */
  get dueWakeKey(): string {
    return `${this.prefix}runs:due:wake`;
  }

  /** The due set's arguments of a script that marks a run due: the set, its wake key, and when (now and the grace). */
  protected dueArgs(): Array<string | number> {
    return [this.dueKey, this.dueWakeKey, Date.now() + this.dueGraceMs];
  }

  /** Every run id, by creation time in ms. */
  get runsKey(): string {
    return `${this.prefix}runs`;
  }

  /** The mark a deleted run leaves (run-delete-1.lua), refused by run-create-4.lua. Outside the run's own keys, which all go. */
  deletedKey(id: string): string {
    return `${this.prefix}deleted:${id}`;
  }

  /** The index sorted sets a run is in: the runs of its flow (by name), of its Dataset. */
  indexKeys(flowName: string, dataset?: string): string[] {
    return [this.flowIndex(flowName), ...(dataset ? [this.datasetIndex(dataset)] : [])];
  }

  /** Every index sorted set a run of flow `name` from `origin` is in: its flow's, its Dataset's, its schedule's. */
  indexesOf(name: string, origin: Record<string, string>): string[] {
    return [...this.indexKeys(name, origin.dataset), ...(origin.schedule ? [this.scheduleIndex(origin.schedule)] : [])];
  }

  /** The runs of flow `name`, by creation time. */
  flowIndex(name: string): string {
    return `${this.prefix}runs:flow:${name}`;
  }

  /** The runs made from Dataset `name`, by creation time. */
  datasetIndex(name: string): string {
    return `${this.prefix}runs:dataset:${name}`;
  }

  /** The runs a schedule started, by creation time. */
  scheduleIndex(name: string): string {
    return `${this.prefix}runs:schedule:${name}`;
  }

  /** onEnd notifications to queue: `<run>|<retries>|<status>` by end time in ms, added by the commit that ends the run (app/notifier.ts). */
  get outboxKey(): string {
    return `${this.prefix}notify:outbox`;
  }

  /** Runs that ended, by end time in ms (retention walks it). */
  get finishedKey(): string {
    return `${this.prefix}runs:finished`;
  }
}
