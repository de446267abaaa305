/**
 * strata's side of the operator port, in memory, for tests: rules and flows registered
 * in maps, datasets turned into runs whose state the test sets. It keeps the port's
 * promises (flows immutable per version, a submission key starts one run only) and
 * refuses what strata would refuse, with strata's error codes.
 */
import { StrataError } from '../../../../src/errors/strata-error.ts';
import type { RunView, StrataDocument, StrataPort } from '../../../../runtime/kubernetes/operator/strata-port.ts';

export class MemoryStrataPort implements StrataPort {
  readonly rules = new Map<string, StrataDocument>();
  readonly flows = new Map<string, string>();
  readonly runs = new Map<string, RunView>();
  readonly submissions: Array<{ key: string; doc: StrataDocument; runId: string }> = [];
  readonly cancelled: string[] = [];
  /** how many times each method was called */
  readonly calls = new Map<keyof StrataPort, number>();
  /** faults the next calls of a method meet, as strata's store unreachable (or a bug of strata's) would throw them */
  private readonly faults: Array<{ method: keyof StrataPort; error: Error; left: number }> = [];

  /** The next `times` calls of `method` throw `error` (Infinity: every call, a bug); the call after is served. */
  failNext(method: keyof StrataPort, error: Error, times = 1): void {
    this.faults.push({ method, error, left: times });
  }

  /** Forget the faults planned and not met yet (the bug fixed). */
  clearFaults(): void {
    this.faults.length = 0;
  }

  private fault(method: keyof StrataPort): void {
    this.calls.set(method, (this.calls.get(method) ?? 0) + 1);
    const f = this.faults.find((x) => x.method === method && x.left > 0);
    if (!f) return;
    if (--f.left === 0) this.faults.splice(this.faults.indexOf(f), 1);
    throw f.error;
  }

  async registerRule(doc: StrataDocument): Promise<void> {
    this.fault('registerRule');
    const generator = (doc.spec.emit as { generator?: string } | undefined)?.generator;
    if (generator !== undefined && !['hierarchy', 'partition', 'stream', 'pipeline'].includes(generator)) {
      throw new StrataError('unknown_generator', `spec.emit.generator: no generator named "${generator}"`);
    }
    this.rules.set(doc.metadata.name, doc);
  }

  async removeRule(name: string): Promise<void> {
    this.fault('removeRule');
    this.rules.delete(name);
  }

  async registerFlow(doc: StrataDocument): Promise<{ ref: string }> {
    this.fault('registerFlow');
    if (!doc.metadata.version) throw new StrataError('invalid_document', 'metadata.version: is required: registered flows are immutable per version');
    const ref = `${doc.metadata.name}@${doc.metadata.version}`;
    const text = JSON.stringify(doc.spec);
    const had = this.flows.get(ref);
    if (had !== undefined && had !== text) throw new StrataError('conflict', `flow ${ref} is registered already with other content: give it a new version`);
    this.flows.set(ref, text);
    return { ref };
  }

  async submitDataset(doc: StrataDocument, opts: { key: string }): Promise<{ runId: string }> {
    this.fault('submitDataset');
    const again = this.submissions.find((s) => s.key === opts.key);
    if (again) return { runId: again.runId };
    if (this.rules.size === 0) throw new StrataError('no_rule_matched', `no rule matched dataset ${doc.metadata.name}`);
    const runId = `run-${this.submissions.length + 1}`;
    this.submissions.push({ key: opts.key, doc, runId });
    this.runs.set(runId, { status: 'pending', steps: {} });
    return { runId };
  }

  async getRun(runId: string): Promise<RunView | undefined> {
    this.fault('getRun');
    return this.runs.get(runId);
  }

  async cancelRun(runId: string): Promise<void> {
    this.fault('cancelRun');
    const run = this.runs.get(runId);
    if (!run) throw new StrataError('not_found', `no run ${runId}`);
    this.cancelled.push(runId);
    this.runs.set(runId, { ...run, status: 'cancelled' });
  }

  /** Move a run along, as the coordinator would. */
  setRun(runId: string, run: RunView): void {
    this.runs.set(runId, run);
  }
}
