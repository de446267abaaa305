/**
 * Listing runs with filters and a cursor. Runs are kept in sorted sets by creation time
 * (all of them, and one per flow name and per Dataset); a page walks the narrowest set
 * newest first and filters status and labels as it reads, reading at most SCAN_CAP runs
 * per request (the work of a request stays bounded however many runs there are). The
 * cursor is the score and id of the last run a page looked at, so runs created meanwhile
 * do not shift the pages.
 */
import { StrataError } from '../errors/strata-error.ts';
import type { RunStatus } from '../engine/types.ts';
import { matches, type Selector } from '../run/label-selector.ts';
import type { RunSummary } from '../run/run-view.ts';
import type { RunStore } from './run-store.ts';

export interface RunFilter {
  status?: RunStatus[];
  /** flow name (runs are indexed by name; `name@version` narrows to one version) */
  flow?: string;
  dataset?: string;
  selector?: Selector;
  limit: number;
  cursor?: string;
}

const SCAN_CAP = 5000;
const BATCH = 200;

/** One page of runs, newest first, and the cursor of the next page (null at the end). */
export async function listRuns(store: RunStore, f: RunFilter): Promise<{ runs: RunSummary[]; next: string | null }> {
  const flowName = f.flow?.includes('@') ? f.flow.slice(0, f.flow.lastIndexOf('@')) : f.flow;
  const key = f.dataset ? store.datasetIndex(f.dataset) : flowName ? store.flowIndex(flowName) : store.runsKey;
  let { score, id: after } = decodeCursor(f.cursor);
  const runs: RunSummary[] = [];
  let scanned = 0;
  for (;;) {
    // From the cursor's score down; ids of the same score come in reverse order, so skip up to and including `after`.
    const raw = await store.redis.zrevrangebyscore(key, score === undefined ? '+inf' : String(score), '-inf', 'WITHSCORES', 'LIMIT', 0, BATCH + (after ? 64 : 0));
    const batch: Array<{ id: string; score: number }> = [];
    for (let i = 0; i < raw.length; i += 2) batch.push({ id: raw[i], score: Number(raw[i + 1]) });
    let start = 0;
    if (after !== undefined) {
      const at = batch.findIndex((b) => b.score === score && b.id === after);
      start = at >= 0 ? at + 1 : batch.findIndex((b) => b.score < score! || b.id < after!);
      if (start < 0) start = batch.length;
    }
    const slice = batch.slice(start);
    if (slice.length === 0) return { runs, next: null };
    for (const s of await store.summaries(slice.map((b) => b.id))) {
      if (f.status && !f.status.includes(s.status)) continue;
      if (f.flow && f.flow !== flowName && s.flow !== f.flow) continue;
      if (f.selector && !matches(f.selector, s.labels)) continue;
      runs.push(s);
      if (runs.length === f.limit) break;
    }
    // Where this page stops: after the last run taken, or after the whole batch when more are needed.
    const lastTaken = runs.length === f.limit ? slice.findIndex((b) => b.id === runs[runs.length - 1].id) : slice.length - 1;
    scanned += lastTaken + 1;
    score = slice[lastTaken].score;
    after = slice[lastTaken].id;
    if (runs.length === f.limit || scanned >= SCAN_CAP) return { runs, next: encodeCursor(score, after) };
    if (batch.length < BATCH) return { runs, next: null };
  }
}

function encodeCursor(score: number, id: string): string {
  return Buffer.from(JSON.stringify([score, id])).toString('base64url');
}

function decodeCursor(c: string | undefined): { score?: number; id?: string } {
  if (!c) return {};
  try {
    const [score, id] = JSON.parse(Buffer.from(c, 'base64url').toString()) as [number, string];
    if (typeof score === 'number' && typeof id === 'string') return { score, id };
  } catch {
    // refused below
  }
  throw new StrataError('invalid_request', `cursor "${c.slice(0, 40)}" is not one this API handed out`);
}
