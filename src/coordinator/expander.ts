/** A generate step's Dataset through the rules to a nested unit (an `expanded` event). */
import { validateDataset } from '../dataset/dataset-document.ts';
import { anchorLocation } from '../dataset/dataset-location.ts';
import type { Command, EngineEvent } from '../engine/types.ts';
import type { Limits } from '../flow/limits.ts';
import { StrataError } from '../errors/strata-error.ts';
import type { FlowRegistry } from '../plan/flow-registry.ts';
import type { Generator } from '../rules/generator.ts';
import type { Rule } from '../rules/rule-document.ts';
import { planDataset } from '../service/plan-dataset.ts';

export interface ExpandPorts {
  rules(): Promise<Rule[]>;
  registry: FlowRegistry;
  generators: ReadonlyMap<string, Generator>;
  /** size limits of the Dataset and its plan (DEFAULT_LIMITS when unset) */
  limits?: Limits;
}

export async function expand(p: ExpandPorts, cmd: Extract<Command, { type: 'generate' }>): Promise<EngineEvent> {
  // Said as such: "must be an object with apiVersion, ..." did not tell a program that wrote nothing what it missed.
  if (cmd.dataset === null || cmd.dataset === undefined) {
    throw new StrataError('invalid_document', `step ${cmd.step} gave no Dataset (its result.json is missing or null): a generate step's result.json must be a Dataset (apiVersion strata/v1, kind Dataset, metadata, spec)`);
  }
  let dataset;
  try {
    // A generated Dataset is taken in here: its relative file:// location is this process's start directory's (dataset-location.ts).
    dataset = anchorLocation(validateDataset(cmd.dataset, p.limits), process.cwd());
  } catch (e) {
    throw new StrataError('invalid_document', `step ${cmd.step} did not output a valid Dataset in result.json: ${(e as Error).message}`);
  }
  const { compiled } = await planDataset(dataset, await p.rules(), p.registry, p.generators, p.limits);
  return { type: 'expanded', step: cmd.step, body: compiled.root, params: compiled.params };
}
