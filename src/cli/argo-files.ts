/**
 * Argo documents read from files for `strata import argo` and `strata apply`: read as
 * leniently as Argo reads them (src/argo/lenient-yaml.ts), turned into strata flows. A
 * templateRef or workflowTemplateRef the files do not satisfy is looked up among the flows
 * registered on a running strata when a client is given.
 */
import { readDocumentFile } from './read-document-file.ts';
import { isArgoDocument, looksLikeArgo } from '../argo/argo-document.ts';

export { looksLikeArgo };
import { currentVersions, importArgo, type ImportResult } from '../argo/import-argo.ts';
import { readArgoText } from '../argo/lenient-yaml.ts';
import { libraryListings, registeredFlows } from '../argo/references.ts';
import { StrataError } from '../errors/strata-error.ts';
import { DEFAULT_LIMITS, type Limits } from '../flow/limits.ts';
import type { FlowDocument } from '../argo/target-types.ts';
import type { Client } from './api-client.ts';
import { loadLimits } from '../app/config.ts';
import { refuseNoDocument } from '../flow/parse-text.ts';

/** The text of a document file, within the limit of an HTTP body (read-document-file.ts). */
export function readText(file: string): string {
  return readDocumentFile(file);
}

/** The Argo documents of `files` (other documents are refused), read within `limits` (size, nesting). */
export function readArgoFiles(files: string[], limits: Pick<Limits, 'maxBytes' | 'maxTextNesting'> = DEFAULT_LIMITS): Array<{ doc: unknown; source: string }> {
  const out: Array<{ doc: unknown; source: string }> = [];
  for (const file of files) {
    const text = readText(file);
    const docs = readArgoText(text, file, limits.maxBytes, limits.maxTextNesting);
    refuseNoDocument(text, docs.length, file);
    docs.forEach((doc, i, all) => {
      const source = all.length > 1 ? `${file}#${i}` : file;
      if (!isArgoDocument(doc)) throw new StrataError('invalid_document', `${source}: not an Argo document (apiVersion argoproj.io/v1alpha1, kind Workflow or WorkflowTemplate)`);
      out.push({ doc, source });
    });
  }
  return out;
}

/** The names of the flows the service holds (GET /v1/flows). */
export async function flowNames(client: Client): Promise<string[]> {
  return ((await client.call('GET', '/v1/flows')) as { flows: Array<{ name: string }> }).flows.map((f) => f.name);
}

/** Flows of Argo documents; registered flows that templateRefs name are read from strata when `client` is given. */
export async function importDocuments(docs: Array<{ doc: unknown; source: string }>, client?: Client): Promise<ImportResult> {
  const versions = async (name: string): Promise<FlowDocument[]> => {
    try {
      const r = (await client!.call('GET', `/v1/flows/${encodeURIComponent(name)}`)) as { versions: FlowDocument[]; latest?: string };
      return currentVersions(r.versions as never, r.latest) as unknown as FlowDocument[];
    } catch (e) {
      if ((e as StrataError).code !== 'not_found') throw e;
      return [];
    }
  };
  const registered = client ? await registeredFlows(docs.map((d) => d.doc), versions) : new Map<string, FlowDocument[]>();
  // A registered WorkflowTemplate without an entrypoint a Workflow asks for a template it lacks: its templates, named.
  const libraries = client ? await libraryListings(docs.map((d) => d.doc), registered, () => flowNames(client), versions) : undefined;
  // Templates nest as deep as the service lets flow nodes nest (the same variable).
  return importArgo(docs, (name) => registered.get(name) ?? [], { maxDepth: loadLimits().maxDepth, ...(libraries ? { libraries } : { local: true }) });
}
