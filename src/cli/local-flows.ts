/** Flow documents read from files, as a local registry for `strata plan`. */
import { readDocumentFile } from './read-document-file.ts';
import { refusedUnder } from '../errors/strata-error.ts';
import { validateFlowDocument } from '../flow/flow-document.ts';
import { parseTextAll, refuseNoDocument } from '../flow/parse-text.ts';
import type { FlowDocument } from '../flow/types.ts';
import { DEFAULT_LIMITS, type Limits } from '../flow/limits.ts';
import { checkParamsAt, withsOf, type ParamsLimits } from '../flow/params-limits.ts';

/** Every document of every file, with the file name as the source of its problems. */
export function readDocuments(files: string[], limits: Limits = DEFAULT_LIMITS): Array<{ file: string; index: number; doc: unknown }> {
  const out: Array<{ file: string; index: number; doc: unknown }> = [];
  for (const file of files) {
    const text = readDocumentFile(file);
    const docs = parseTextAll(text, file, limits.maxBytes, limits.maxTextNesting);
    refuseNoDocument(text, docs.length, file);
    docs.forEach((doc, index) => out.push({ file, index, doc }));
  }
  return out;
}

/** The Flow documents among `docs`, validated; problems are prefixed with file and index. */
export function flowsOf(docs: Array<{ file: string; index: number; doc: unknown }>, limits: Limits = DEFAULT_LIMITS): FlowDocument[] {
  const flows: FlowDocument[] = [];
  for (const d of docs) {
    if ((d.doc as { kind?: unknown })?.kind !== 'Flow') continue;
    try {
      flows.push(validateFlowDocument(d.doc, limits));
    } catch (e) {
      throw refusedUnder(`${d.file}#${d.index}`, e, 'invalid_document');
    }
  }
  return flows;
}

/**
 * Refuse the parameters the service would (api/cpu/tasks.ts checkParams): each flow's
 * `spec.params` and every `with` of its use nodes, and a run's `params` when given, with this
 * command's STRATA_MAX_PARAMS_* (`limits`: loadParamsLimits). Every place in one checkParamsAt,
 * as the service checks a request, each named `flow name@version: spec.params` or `params`;
 * 422 `limit_exceeded` (a NUL, when nothing is past a limit: 400).
 */
export function checkFlowParams(flows: FlowDocument[], params: unknown, limits: ParamsLimits): void {
  const places = flows.flatMap((f): Array<[unknown, string]> => {
    const prefix = `flow ${f.metadata.name}@${f.metadata.version}: `;
    return [[f.spec.params, 'spec.params'] as [unknown, string], ...withsOf(f.spec.root, 'spec.root')].map(([v, p]) => [v, `${prefix}${p}`]);
  });
  checkParamsAt(params !== undefined ? [...places, [params, 'params']] : places, limits);
}
