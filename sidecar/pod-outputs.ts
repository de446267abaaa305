/**
 * What a pod's micro steps leave behind, kept by the quarterback: where each succeeded
 * container's outputs are (the next containers' inputs are copied from there), each step's
 * declared outputs copied into the pod's own outputs dir, and every step's last succeeded
 * state. When the pod ends they become the pod's outputs: its result.json, the declared
 * outputs (last writer wins) and POD_STEPS_FILE; a failed pod's too, with the result its
 * steps gave (failedResult), as a failed task keeps its outputs.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { InputRef, StatusCommand } from '../src/engine/types.ts';
import type { JsonValue } from '../src/flow/types.ts';
import type { MicroPlan } from '../runtime/quarterback/micro-plan.ts';
import { POD_STEPS_FILE, type KeptStep } from '../runtime/quarterback/protocol.ts';
import { copyEntry } from '../runtime/copy-tree.ts';
import { writeFileHere } from '../runtime/no-follow-writes.ts';
import { stepSegments } from '../runtime/step-file-name.ts';
import { artifactPath } from '../runtime/step-files.ts';
import { isLeaf, joinId, type PlanNode } from '../src/plan/plan-node.ts';

/** One pod's micro step outputs (one instance per quarterback). */
export class PodOutputs {
  /** outputs dir of each micro step's successful attempt: inputs are copied from there */
  private readonly local = new Map<string, string>();
  /** each micro step's declared outputs: name -> its copy in the pod's outputs dir */
  private readonly declared = new Map<string, Record<string, string>>();
  /** every micro step's last `succeeded` state, written beside the pod's outputs (POD_STEPS_FILE) */
  private readonly succeeded = new Map<string, KeptStep>();

  /** every micro step that ended succeeded or failed, with its result (undefined: a failed step that gave none): a failed pod's result is made of them */
  private readonly results = new Map<string, JsonValue | undefined>();

  constructor(private readonly plan: Pick<MicroPlan, 'step' | 'runId' | 'artifactsDir' | 'outputsDir'>) {}

  /**
   * A step's status as the engine reports it: a success is kept; returns the step's
   * declared outputs where they will be once the pod's outputs are kept as its artifacts.
   */
  reported(c: StatusCommand): Record<string, string> | undefined {
    if (c.status === 'succeeded' || c.status === 'failed') this.results.set(c.step, c.result);
    if (c.status !== 'succeeded') return undefined;
    const kept = this.declared.get(c.step);
    const outputs = kept && Object.keys(kept).length > 0 ? { outputs: Object.keys(kept) } : {};
    this.succeeded.set(c.step, { step: c.step, ...(c.attempt !== undefined ? { attempt: c.attempt } : {}), result: c.result ?? null, ...(c.parameters ? { parameters: c.parameters } : {}), ...outputs });
    return kept && Object.fromEntries(Object.keys(kept).map((name) => [name, artifactPath(this.plan.artifactsDir, this.plan.runId, c.step, name)]));
  }

  /**
   * A pod resumed after a retry of the run (MicroPlan pod.kept): each kept step is a success
   * of this pod's, and its declared outputs, in the artifact store where the run's kept
   * execution of the pod left them, are copied into this pod's outputs dir: read from there
   * by the next containers, and the pod's outputs again when it ends.
   */
  async resume(kept: KeptStep[]): Promise<void> {
    for (const k of kept) {
      this.succeeded.set(k.step, k);
      this.results.set(k.step, k.result);
      const names = k.outputs ?? [];
      if (names.length === 0) continue;
      const from = artifactPath(this.plan.artifactsDir, this.plan.runId, k.step);
      const dir = this.keptDir(k.step);
      await mkdir(dir, { recursive: true });
      await Promise.all(names.map((n) => copyEntry(join(from, n), join(dir, n), `output "${n}" of ${k.step}`)));
      this.local.set(k.step, dir);
      this.declared.set(k.step, Object.fromEntries(names.map((n) => [n, join(dir, n)])));
    }
  }

  /** A container succeeded: its outputs dir, and its declared outputs as copied to keptDir(step). */
  kept(step: string, outputsDir: string, declared: Record<string, string>): void {
    this.local.set(step, outputsDir);
    this.declared.delete(step); // re-inserted last: the pod's outputs are last writer wins
    this.declared.set(step, declared);
  }

  /**
   * Where a micro step's declared outputs are kept: inside the pod's own outputs dir
   * (`<outputsDir>/<step id inside the pod>/`), never straight in the artifact store. The
   * worker keeps that whole dir as the pod's artifacts in one rename, only for the
   * execution of the pod the run accepts, so a pod run twice (a takeover) cannot replace
   * the outputs a run has recorded.
   */
  keptDir(step: string): string {
    const inside = step.startsWith(`${this.plan.step}/`) ? step.slice(this.plan.step.length + 1) : step;
    // Step ids are made of validated segments (no `.`, `..` or separators): a plain join stays
    // inside. Segments bounded as the artifact store bounds them, so the pod's kept dir matches.
    return join(this.plan.outputsDir, ...stepSegments(inside));
  }

  /** The file an input reference reads: a sibling's local outputs, else the artifact store. */
  locate(ref: InputRef): string {
    const local = this.local.get(ref.step);
    return local ? join(local, ref.output) : artifactPath(this.plan.artifactsDir, this.plan.runId, ref.step, ref.output);
  }

  /**
   * The result of a pod whose micro flow failed (Argo tester 5, P4), shaped as its root would
   * have given it: a leaf's own result; a graph's, its children's results by name (those that
   * gave one: succeeded, or failed leaves that left one, as a containerSet's result is its
   * main container's); a sequence's, that of its step that failed; undefined otherwise.
   */
  failedResult(body: PlanNode): JsonValue | undefined {
    const id = joinId(this.plan.step, body.seg);
    if (body.kind === 'graph') {
      const out: Record<string, JsonValue> = {};
      for (const c of body.children) {
        const r = this.results.get(joinId(id, c.seg));
        if (r !== undefined) out[c.seg] = r;
      }
      return Object.keys(out).length > 0 ? out : undefined;
    }
    if (body.kind === 'sequence') {
      // The last that ended: the one whose failure failed the sequence (a later one never started).
      for (let i = body.children.length - 1; i >= 0; i--) {
        const seg = joinId(id, body.children[i].seg);
        if (this.results.has(seg)) return this.results.get(seg);
      }
      return undefined;
    }
    return isLeaf(body) ? this.results.get(id) : undefined;
  }

  /** The pod's outputs dir gets its result.json, every container's declared outputs (last writer wins) and its steps' results (POD_STEPS_FILE). */
  async write(result: JsonValue): Promise<void> {
    const dir = this.plan.outputsDir;
    await mkdir(dir, { recursive: true });
    // Never through a link (no-follow-writes.ts): small JSON, written synchronously.
    writeFileHere(join(dir, 'result.json'), JSON.stringify(result));
    writeFileHere(join(dir, POD_STEPS_FILE), JSON.stringify([...this.succeeded.values()]));
    const latest = new Map<string, string>();
    for (const outputs of this.declared.values()) for (const [name, path] of Object.entries(outputs)) latest.set(name, path);
    // An output may be a directory (a directory artifact): copied whole.
    await Promise.all([...latest].map(([name, path]) => copyEntry(path, join(dir, name), `output "${name}"`)));
  }
}
