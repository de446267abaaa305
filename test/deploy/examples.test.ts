/**
 * deploy/examples: the retail example as strata.dev resources. Each is valid by its CRD's
 * schema (checked offline), and says what examples/retail says, so applying it with
 * kubectl registers and runs exactly what `strata apply` would.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { datasetDocument, flowDocument, ruleDocument } from '../../runtime/kubernetes/operator/documents.ts';
import { crProblems } from './support/cr-schema.ts';
import { DEPLOY, REPO, yamlDocs, type Doc } from './support/deploy-files.ts';

const crds = yamlDocs(join(DEPLOY, 'base/crds/datasets.yaml')).concat(yamlDocs(join(DEPLOY, 'base/crds/rules.yaml')), yamlDocs(join(DEPLOY, 'base/crds/flows.yaml')));
const schemaOf = (kind: string) => crds.find((c: Doc) => c.spec.names.kind === kind).spec.versions[0].schema.openAPIV3Schema;
const resources = yamlDocs(join(DEPLOY, 'examples/retail.yaml'));
const example = (f: string) => parse(readFileSync(join(REPO, 'examples/retail', f), 'utf8'));

describe('deploy/examples/retail.yaml', () => {
  it.each(resources.map((r: Doc) => [`${r.kind} ${r.metadata.name}`, r]))('%s is valid by its CRD', (_n, r) => {
    expect(crProblems(r, schemaOf(r.kind))).toEqual([]);
  });

  it('becomes the documents of examples/retail', () => {
    const byKind = (k: string) => resources.find((r: Doc) => r.kind === k);
    expect(flowDocument(byKind('Flow'))).toEqual(example('report-flow.yaml'));
    expect(ruleDocument(byKind('Rule'))).toEqual(example('rules.yaml'));
    expect(datasetDocument(byKind('Dataset'))).toEqual(example('dataset.yaml'));
  });

  it('has a schema check that refuses what the API server would', () => {
    expect(crProblems({ spec: { version: 1.5, root: {} } }, schemaOf('Flow'))).toEqual(['.spec.version: must be an integer or a string']);
    expect(crProblems({ spec: { emit: {}, priority: 'high' } }, schemaOf('Rule'))).toEqual(['.spec.priority: must be an integer']);
    expect(crProblems({ spec: {}, extra: 1 }, schemaOf('Dataset'))).toEqual(['.extra: no such field']);
  });
});
