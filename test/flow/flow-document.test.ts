import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseFlow, validateFlowDocument } from '../../src/flow/flow-document.ts';

const OK = join(import.meta.dirname, '../fixtures/flows/ok');

describe('Flow documents', () => {
  it('YAML and JSON spellings of one flow give the same document', () => {
    const yaml = parseFlow(readFileSync(join(OK, 'etl.yaml'), 'utf8'));
    const json = parseFlow(readFileSync(join(OK, 'etl.json'), 'utf8'));
    expect(json).toEqual(yaml);
  });

  it('a numeric version is read as a string', () => {
    const doc = validateFlowDocument({ apiVersion: 'strata/v1', kind: 'Flow', metadata: { name: 'n', version: 2 }, spec: { root: { task: { image: 'x' } } } });
    expect(doc.metadata.version).toBe('2');
  });

  it('a version is required: registered flows are immutable per version', () => {
    expect(() => validateFlowDocument({ apiVersion: 'strata/v1', kind: 'Flow', metadata: { name: 'n' }, spec: { root: { task: { image: 'x' } } } }))
      .toThrow('metadata.version: is required: registered flows are immutable per version');
  });

  const notFlows: Array<{ name: string; doc: unknown; message: string }> = [
    { name: 'a list', doc: [1, 2], message: 'a Flow document must be an object with apiVersion, kind, metadata and spec' },
    { name: 'null (an empty file)', doc: null, message: 'a Flow document must be an object with apiVersion, kind, metadata and spec' },
    { name: 'another kind', doc: { apiVersion: 'strata/v1', kind: 'Dataset', metadata: { name: 'n', version: 1 }, spec: { root: { task: { image: 'x' } } } }, message: 'kind: must be Flow' },
    { name: 'a version that is a number with a fraction (its digits may be lost already)', doc: { apiVersion: 'strata/v1', kind: 'Flow', metadata: { name: 'n', version: 1.1 }, spec: { root: { task: { image: 'x' } } } }, message: 'metadata.version: is a number with a fraction, and numbers lose digits (1.10 reads as 1.1): write the version as a string ("1.10")' },
    { name: 'no root', doc: { apiVersion: 'strata/v1', kind: 'Flow', metadata: { name: 'n', version: 1 }, spec: {} }, message: 'spec.root: is required: the flow\'s root node' },
  ];
  for (const { name, doc, message } of notFlows) {
    it(`refuses ${name}`, () => {
      expect(() => validateFlowDocument(doc)).toThrow(message);
    });
  }
});
