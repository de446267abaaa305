/**
 * strata.dev resources to strata documents: what `kubectl apply` stored becomes what a
 * POST would carry. The resource's name is the document's name; a Flow's version is in
 * its spec (a Flow resource is one flow, re-applied with a new version to register it). Pure.
 */
import type { JsonValue } from '../../../src/flow/types.ts';
import type { StrataResource } from './crd-names.ts';
import type { StrataDocument } from './strata-port.ts';

export function ruleDocument(r: StrataResource): StrataDocument {
  return { apiVersion: 'strata/v1', kind: 'Rule', metadata: meta(r), spec: (r.spec ?? {}) as Record<string, JsonValue> };
}

export function datasetDocument(r: StrataResource): StrataDocument {
  return { apiVersion: 'strata/v1', kind: 'Dataset', metadata: meta(r), spec: (r.spec ?? {}) as Record<string, JsonValue> };
}

export function flowDocument(r: StrataResource): StrataDocument {
  const { version, ...spec } = (r.spec ?? {}) as Record<string, JsonValue>;
  return { apiVersion: 'strata/v1', kind: 'Flow', metadata: { ...meta(r), ...(version !== undefined ? { version: String(version) } : {}) }, spec };
}

function meta(r: StrataResource): StrataDocument['metadata'] {
  return { name: r.metadata.name, ...(r.metadata.labels && Object.keys(r.metadata.labels).length > 0 ? { labels: r.metadata.labels } : {}) };
}
