/** What the API asks of the run side (the coordinator and the run store). */
import type { FlowDocument, JsonValue } from '../flow/types.ts';
import type { CompiledFlow } from '../plan/compile.ts';
import type { RunView, RunSummary, StepEvent } from '../run/run-view.ts';

export interface RunsPort {
  start(flow: FlowDocument, compiled: CompiledFlow, params: Record<string, JsonValue>, origin: Record<string, string>): Promise<string>;
  list(): Promise<RunSummary[]>;
  get(id: string): Promise<RunView | undefined>;
  cancel(id: string): Promise<RunView>;
  /**
   * Follow a run's events from `from` on (0 = from the start): `deliver` gets them in seq
   * order as they happen, pushed (no polling). Resolves to a function that stops following.
   */
  follow(id: string, from: number, deliver: (events: StepEvent[]) => void): Promise<() => void>;
  logs(id: string, step: string): Promise<string | undefined>;
}
