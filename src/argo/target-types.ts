/**
 * The strata constructs the importer writes, with the shapes docs/flow-language.md
 * ("Argo-grade features") gives them. They are declared here while src/flow/types.ts on
 * main does not have them all yet; once it does, these become re-exports of it.
 */
import type { JsonValue, Logic } from '../flow/types.ts';

export type { JsonValue, Logic };

/** A text field resolved when the step starts: a string with `{{ reference }}` parts, or json-logic. */
export type Computed = string | { [op: string]: JsonValue };

export type Outcome = 'succeeded' | 'failed' | 'errored' | 'skipped' | 'completed' | 'any';
export type Dependency = string | { node: string; on: Outcome | Outcome[] };

export interface RetrySpec {
  limit: number;
  on?: 'failed' | 'error' | 'always';
  backoff?: { duration: number | string; factor?: number; max?: number | string; maxDuration?: number | string };
}

export interface TaskSpec {
  image: Computed;
  command?: Computed[];
  args?: Computed[];
  env?: Record<string, Computed>;
  workingDir?: Computed;
  resources?: { cpu?: string; memory?: string; limits?: { cpu?: string; memory?: string } };
  inputs?: Record<string, string | { from: string; path?: string }>;
  outputs?: string[] | { artifacts?: Array<string | { name: string; path: string }>; parameters?: Record<string, { path: string; default?: JsonValue }> };
  result?: 'file' | 'stdout';
  volumes?: Array<string | { path: string; from?: 'scratch' }>;
}

/** A flow node as the importer builds it: one pattern key and the common fields (checked by strata's validation). */
export type FlowNode = { [key: string]: unknown };

export interface FlowDocument {
  apiVersion: 'strata/v1';
  kind: 'Flow';
  metadata: { name: string; version: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  spec: {
    params?: Record<string, JsonValue>;
    root: FlowNode;
    inputs?: string[];
    outputs?: { artifacts?: Record<string, string>; parameters?: Record<string, string> };
    onExit?: FlowNode;
  };
}
