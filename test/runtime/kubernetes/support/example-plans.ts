/**
 * The plans of the examples, as `strata plan` and the API would compile them: every
 * flow in examples/flows (with the others as its `use` registry), and the retail plan
 * that examples/retail's rule generates from its Dataset.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { GENERATOR_NAMES, GENERATORS } from '../../../../generators/index.ts';
import { validateDataset } from '../../../../src/dataset/dataset-document.ts';
import { validateFlowDocument } from '../../../../src/flow/flow-document.ts';
import type { FlowDocument, JsonValue } from '../../../../src/flow/types.ts';
import { compileFlow } from '../../../../src/plan/compile.ts';
import type { PlanNode } from '../../../../src/plan/plan-node.ts';
import { buildFlow } from '../../../../src/rules/build-flow.ts';
import { matchRules } from '../../../../src/rules/match-rules.ts';
import { validateRule } from '../../../../src/rules/rule-document.ts';
import { REPO } from './process-cluster.ts';

export interface ExamplePlan {
  name: string;
  root: PlanNode;
  params: Record<string, JsonValue>;
}

const yaml = (p: string) => parse(readFileSync(join(REPO, p), 'utf8'));

export function examplePlans(): ExamplePlan[] {
  const dir = 'examples/flows';
  const flows = readdirSync(join(REPO, dir)).filter((f) => f.endsWith('.yaml')).map((f) => [f, validateFlowDocument(yaml(join(dir, f)))] as const);
  const registry = new Map<string, FlowDocument>(flows.map(([, d]) => [`${d.metadata.name}@${d.metadata.version}`, d]));
  const plans = flows.map(([file, doc]) => {
    const c = compileFlow(doc, (ref) => registry.get(ref));
    return { name: `${dir}/${file}`, root: c.root, params: c.params };
  });
  return [...plans, retailPlan()];
}

export function retailPlan(): ExamplePlan {
  const report = validateFlowDocument(yaml('examples/retail/report-flow.yaml'));
  const rule = validateRule(yaml('examples/retail/rules.yaml'), GENERATOR_NAMES);
  const dataset = validateDataset(yaml('examples/retail/dataset.yaml'));
  const chosen = matchRules([rule], dataset).chosen!;
  const flow = buildFlow(dataset, chosen, GENERATORS);
  const c = compileFlow(flow, (ref) => (ref === 'retail-report@1' ? report : undefined));
  return { name: 'examples/retail (generated)', root: c.root, params: c.params };
}
