/**
 * What json-logic sees when the engine evaluates a step's `when`, a fan-out's `over`, a
 * cycle's `until` or a use node's `with` (docs/flow-language.md, json-logic): the unit's
 * `params`, `results` by step id, `round`, `item` and every enclosing fan-out item by its
 * `as` name, and the `result` operation's reader, which takes a step path as inputs do.
 */
import type { JsonValue } from '../flow/types.ts';
import { evaluate, UNKNOWN, STEP_EXIT_CODES, STEP_OUTPUTS, STEP_RESULTS, STEP_STATUSES, tracking, type StepExitCodeReader, type StepOutputReader, type StepResultReader, type StepStatusReader } from '../logic/json-logic.ts';
import { evaluateValues } from '../logic/logic-values.ts';
import type { Act } from './act.ts';
import type { SubstitutionData } from './substitute.ts';
import type { StepStatus } from './types.ts';
import { resolveStep } from '../plan/step-path.ts';
import { runPlaceholder } from './input-placeholder.ts';

/** `run` in a computed task field: the runtime's placeholders, filled when the program starts (input-placeholder.ts). */
const RUN_DATA = { id: runPlaceholder('id'), step: runPlaceholder('step'), pod: runPlaceholder('pod') };

export class StepData {
  /** every step finished with success so far, and every failed leaf that gave a result, by step id */
  readonly results: Record<string, JsonValue> = Object.create(null);
  /** the last status each step reported, by step id */
  readonly statuses: Record<string, StepStatus> = Object.create(null);
  /** named output parameters of the steps that gave them, by step id */
  readonly parameters: Record<string, Record<string, JsonValue>> = Object.create(null);
  /** the exit code of each leaf's program that ended with one (its last attempt's), by step id */
  readonly exitCodes: Record<string, number> = Object.create(null);
  /** the items each fan-out started, by the fan-out's step id and item index */
  readonly fanItems: Record<string, Array<{ index: number; item: JsonValue }>> = Object.create(null);

  /** Forget what the steps `under` says are beneath a composite that runs again whole (retryWhole). */
  forget(under: (id: string) => boolean): void {
    for (const m of [this.results, this.statuses, this.parameters, this.exitCodes, this.fanItems]) for (const k of Object.keys(m)) if (under(k)) delete m[k];
  }

  /** Forget everything (a retry starts the plan again). */
  clear(): void {
    for (const m of [this.results, this.statuses, this.parameters, this.exitCodes, this.fanItems]) for (const k of Object.keys(m)) delete m[k];
  }

  /** The items behind `fan/*` (or `fan/*` followed by a path) whose step succeeded, in item order. */
  eachItem(pattern: string): Array<{ step: string; index: number; item: JsonValue }> {
    const at = pattern.indexOf('/*');
    const fan = pattern.slice(0, at);
    const rest = pattern.slice(at + 2);
    const out: Array<{ step: string; index: number; item: JsonValue }> = [];
    for (const it of this.fanItems[fan] ?? []) {
      if (!it) continue;
      const step = `${fan}/${it.index}${rest}`;
      if (this.statuses[step] === 'succeeded') out.push({ step, index: it.index, item: it.item });
    }
    return out;
  }

  /**
   * Why step `id` has no `what` (`result`, `output parameter "x"`): the words an error
   * names the absence with, by the step's status (docs/flow-language.md, Failure handling).
   */
  missing(id: string, what: string): string {
    const status = this.statuses[id] ?? 'pending';
    if (status === 'succeeded') return `step ${id} has no ${what}`;
    if (status === 'failed') return `step ${id} failed and gave no ${what}`;
    if (status === 'skipped' || status === 'cancelled') return `step ${id} was ${status} and has no ${what}`;
    return `step ${id} has not ended (it is ${status}) and has no ${what} yet`;
  }

  /**
   * What a task's references read when `act` starts (substitute.ts). A computed field's
   * `result` and `output` of a step that has none fail the step, naming the step and why,
   * where a guard reads null: a value written into a program's argument is never the text
   * `null` in place of one that is missing (Argo tester 3, N14).
   */
  substitution(act: Act): SubstitutionData {
    // Built when a template or computed value first reads them: most tasks' fields are
    // plain text, and building them was a share of every leaf's start (docs/performance.md).
    let built: Record<string | symbol, unknown> | undefined;
    let names: ReadonlySet<string> | undefined;
    const dataOf = () => (built ??= this.dataFor(act));
    const at = (path: string) => resolveStep(path, act.id, act.scope.unitId);
    const results: StepResultReader = (path) => {
      const id = at(path);
      const v = this.results[id];
      if (v === undefined) throw new Error(this.missing(id, 'result'));
      return v;
    };
    const outputs: StepOutputReader = (path, name) => {
      const id = at(path);
      const v = this.parameters[id];
      if (v === undefined || (name !== undefined && !Object.prototype.hasOwnProperty.call(v, name))) throw new Error(this.missing(id, name === undefined ? 'output parameters' : `output parameter "${name}"`));
      return v;
    };
    return {
      get data() {
        return dataOf();
      },
      get itemNames() {
        return (names ??= new Set(['item', ...Object.keys(act.scope.items ?? {})]));
      },
      attempt: act.attempt,
      step: (path) => {
        const id = at(path);
        return { id, status: this.statuses[id] ?? 'pending', result: this.results[id], parameters: this.parameters[id], exitCode: this.exitCodes[id], missing: (what) => this.missing(id, what) };
      },
      evaluate: (expr) => {
        const data = dataOf();
        return evaluate(expr, { ...data, attempt: act.attempt, run: RUN_DATA, [STEP_RESULTS]: results, [STEP_OUTPUTS]: outputs, [STEP_STATUSES]: data[STEP_STATUSES], [STEP_EXIT_CODES]: data[STEP_EXIT_CODES] }, act.id);
      },
    };
  }

  /** The data `act`'s expressions are evaluated against. */
  dataFor(act: Act, extra?: Record<string, unknown>): Record<string | symbol, unknown> {
    const s = act.scope;
    // Items first: the names of the language win over an item's (validation refuses such `as` names anyway).
    const data: Record<string | symbol, unknown> = { ...s.items, params: s.params, results: this.results, round: s.round, item: s.items?.item ?? s.item, ...(s.exit !== undefined ? { exit: s.exit } : {}), ...extra };
    const read: StepResultReader = (path) => this.results[resolveStep(path, act.id, s.unitId)];
    data[STEP_RESULTS] = read;
    const outputs: StepOutputReader = (path) => this.parameters[resolveStep(path, act.id, s.unitId)];
    data[STEP_OUTPUTS] = outputs;
    const statuses: StepStatusReader = (path) => {
      const id = resolveStep(path, act.id, s.unitId);
      // A dry run cannot know whether a program fails: a step it simulated has an unknown status.
      return this.results[id] === UNKNOWN ? UNKNOWN : (this.statuses[id] ?? 'pending');
    };
    data[STEP_STATUSES] = statuses;
    const exitCodes: StepExitCodeReader = (path) => {
      const id = resolveStep(path, act.id, s.unitId);
      return this.results[id] === UNKNOWN ? UNKNOWN : this.exitCodes[id];
    };
    data[STEP_EXIT_CODES] = exitCodes;
    return data;
  }

  /** `expr` evaluated for `act`; an error names `field` (the flow field it is, `fanOut.over`), or the step's id when none is given. */
  evaluate(expr: JsonValue, act: Act, extra?: Record<string, unknown>, field?: string): JsonValue {
    return evaluate(expr, this.dataFor(act, extra), field ?? act.id);
  }

  evaluateKnowing(expr: JsonValue, act: Act, extra?: Record<string, unknown>, field?: string): { value: JsonValue; unknown: boolean } {
    return tracking(() => this.evaluate(expr, act, extra, field));
  }

  /**
   * `value`'s expressions evaluated for `act` (a use node's `with`); an error names `path`
   * (`u, use.with.k`), or the step's id when none is given. `run` is the runtime's
   * placeholders, as in a computed task field, so a unit can be given a value naming the run
   * (an Argo Workflow's `{{workflow.name}}`, generateName and the run's id) that its tasks
   * then write into their fields.
   */
  evaluateValues(value: JsonValue, act: Act, path?: string): JsonValue {
    return evaluateValues(value, this.dataFor(act, { run: RUN_DATA }), path ?? act.id);
  }

  evaluateValuesKnowing(value: JsonValue, act: Act, path?: string): { value: JsonValue; unknown: boolean } {
    return tracking(() => this.evaluateValues(value, act, path));
  }
}
