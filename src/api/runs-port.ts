/** What the API asks of the run side (the coordinator and the run store). */
import type { FlowDocument, JsonValue } from '../flow/types.ts';
import type { CompiledFlow } from '../plan/compile.ts';
import type { RunView, RunSummary, StepEvent } from '../run/run-view.ts';

export interface RunsPort {
  start(flow: FlowDocument, compiled: CompiledFlow, params: Record<string, JsonValue>, origin: Record<string, string>): Promise<string>;
  list(): Promise<RunSummary[]>;
  get(id: string): Promise<RunView | undefined>;
  cancel(id: string): Promise<RunView>;
  /** events from `from` on (0 = from the start); resolves when there are some or after `waitMs` */
  events(id: string, from: number, waitMs: number): Promise<{ events: StepEvent[]; next: number; done: boolean }>;
  logs(id: string, step: string): Promise<string | undefined>;
}
