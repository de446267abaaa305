/** The generator port: a pure function from a Dataset and parameters to a flow node. */
import type { Dataset } from '../dataset/dataset-document.ts';
import type { Problem } from '../errors/strata-error.ts';
import type { FlowNode, JsonValue } from '../flow/types.ts';

export interface GeneratorContext {
  /** evaluate the json-logic inside a parameter value, with `node` bound for per-node values */
  evaluate(value: JsonValue, node?: Record<string, JsonValue>): JsonValue;
}

export interface Generator {
  name: string;
  description: string;
  generate(dataset: Dataset, params: Record<string, JsonValue>, ctx: GeneratorContext): FlowNode;
  /** the problems of a rule's parameters (its `with`) known before any Dataset, each at `path.<key>`: checked when the rule is registered */
  parameterProblems?(params: Record<string, JsonValue>, path: string): Problem[];
}
