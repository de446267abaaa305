/** Text to data: YAML or JSON, with size limits and errors that name line and column. */
import { isMap, isPair, isScalar, isSeq, parseAllDocuments, parseDocument, type Document } from 'yaml';
import { invalid, pastLimit, StrataError, type Problem } from '../errors/strata-error.ts';
import { DEFAULT_LIMITS, LIMIT_VARIABLES } from './limits.ts';
import { checkAliasCount, checkExpandedSize } from './yaml-expansion.ts';
import { checkTextNesting } from './text-nesting.ts';
import { toJsProblem } from './yaml-places.ts';
import { MAX_DATA_DEPTH, tooDeepText } from '../logic/json-nesting.ts';
import { lossOf, jsonTextProblems, member, SUSPECT, under, type LossyNumber } from '../logic/lossy-numbers.ts';
import { yamlDuplicateKeys } from './yaml-duplicate-keys.ts';

/**
 * Parse one YAML or JSON document. `inside`: the levels of an envelope around the documents
 * in the text (a run request's `{ flow }`), whose members may each nest `maxNesting` deep: the
 * whole is checked within `maxNesting + inside` and a refusal says `maxNesting`, the members' limit.
 */
export function parseText(text: string, source = 'document', maxBytes = DEFAULT_LIMITS.maxBytes, maxNesting = MAX_DATA_DEPTH, inside = 0): unknown {
  checkSize(text, source, maxBytes);
  checkTextNesting(text, source, maxNesting, inside);
  const json = tryJson(text);
  if (json !== undefined && !numericVersions(json)) return exact(checked(json, source, maxNesting, inside), jsonTextProblems(text, source), source);
  // Not strict JSON (or JSON whose version is a number): YAML, a superset, reports the
  // place and keeps each scalar's text.
  let doc: Document.Parsed = parseDocument(text, YAML_OPTIONS);
  // `---` separating several documents, some maybe empty: the one with content, else said (Argo tester 8, S6).
  if (doc.errors.some((e) => e.code === 'MULTIPLE_DOCS')) doc = oneDocument(text, source) ?? doc;
  refuseStackOverflow(doc.errors, source, maxNesting);
  if (doc.errors.length > 0) {
    throw invalid(doc.errors.map((e) => ({ path: source, message: yamlMessage(e) })));
  }
  refuseText(yamlDuplicateKeys(doc, text, source), source);
  const data = checked(keepVersionText(doc, toData(doc, source, maxBytes, text), []), source, maxNesting, inside);
  return exact(data, lossyYamlNumbers(doc, text, source), source);
}

/**
 * `data`, unless a number of it is one a JavaScript number cannot hold (`lost`): refused,
 * naming each (lossy-numbers.ts).
 */
function exact<T>(data: T, lost: LossyNumber[], source: string): T {
  refuseText(lost, source);
  return data;
}

/**
 * Throws the problems a text's reading found (keys given twice, numbers that would change),
 * if any: 400 `invalid_request` for a request body (`source` 'body'), `invalid_document` for
 * a file or a document inside a body.
 */
export function refuseText(problems: readonly Problem[], source: string): void {
  if (problems.length > 0) throw invalid([...problems], source === 'body' ? 'invalid_request' : 'invalid_document');
}

/** Parse a YAML stream of one or more documents (`---` separated), e.g. a file for `strata apply`. */
export function parseTextAll(text: string, source = 'document', maxBytes = DEFAULT_LIMITS.maxBytes, maxNesting = MAX_DATA_DEPTH): unknown[] {
  checkSize(text, source, maxBytes);
  checkTextNesting(text, source, maxNesting);
  const json = tryJson(text);
  if (json !== undefined && !numericVersions(json)) return exact((Array.isArray(json) ? json : [json]).map((d) => checked(d, source, maxNesting)), jsonTextProblems(text, source), source);
  if (json !== undefined && Array.isArray(json)) {
    // A JSON list of documents with a numeric version: keep the number's text through YAML.
    const doc = parseDocument(text, YAML_OPTIONS);
    refuseText(yamlDuplicateKeys(doc, text, source), source);
    const data = toData(doc, source, maxBytes, text) as unknown[];
    return exact(data.map((d, i) => checked(keepVersionText(doc, d, [i]), source, maxNesting)), lossyYamlNumbers(doc, text, source), source);
  }
  const docs = parseAllDocuments(text, YAML_OPTIONS);
  const list = Array.isArray(docs) ? docs : [docs];
  refuseStackOverflow(list.flatMap((d) => d.errors), source, maxNesting);
  const problems = list.flatMap((d, i) => d.errors.map((e) => ({ path: list.length > 1 ? `${source}[${i}]` : source, message: yamlMessage(e) })));
  if (problems.length > 0) throw invalid(problems);
  refuseText(list.flatMap((d, i) => yamlDuplicateKeys(d, text, list.length > 1 ? `${source}[${i}]` : source)), source);
  const lost = list.flatMap((d, i) => lossyYamlNumbers(d, text, list.length > 1 ? `${source}[${i}]` : source));
  return exact(list.map((d, i) => checked(keepVersionText(d, toData(d, list.length > 1 ? `${source}[${i}]` : source, maxBytes, text), []), source, maxNesting)).filter((d) => d !== null && d !== undefined), lost, source);
}

/** Whether a parsed YAML document holds nothing (only `---`, comments, or `~`). */
const isEmpty = (d: Document.Parsed): boolean => d.contents === null || (isScalar(d.contents) && d.contents.value === null);

/**
 * The one document of `text` that holds something, when the YAML has several (`---`
 * separated) and the others are empty; said as a problem of `source` when none holds
 * anything or several do. Undefined when a document has a parse error (said as such).
 */
function oneDocument(text: string, source: string): Document.Parsed | undefined {
  const docs = parseAllDocuments(text, YAML_OPTIONS);
  const list = Array.isArray(docs) ? docs : [docs];
  if (list.some((d) => d.errors.length > 0)) return undefined;
  const full = list.filter((d) => !isEmpty(d));
  if (full.length === 1) return full[0];
  const message = full.length === 0 ? noDocumentText(list.length) : `holds ${full.length} YAML documents; ${source === 'body' ? 'a request body holds one' : 'one is expected'}`;
  throw invalid([{ path: source, message }]);
}

/** How a text of `count` YAML documents, none holding anything, is said. */
function noDocumentText(count: number): string {
  return count === 0 ? 'holds no document: it is empty, or only comments' : count === 1 ? 'holds no document: its one YAML document is empty' : `holds no document: ${count} YAML documents, each empty`;
}

/**
 * A file whose YAML (`text`) holds no document, said as a problem of `source` (empty, or
 * only `---` and comments); nothing when it holds one. For the CLI, which reads files of
 * several documents and would otherwise do nothing without a word (Argo tester 8, S6).
 */
export function refuseNoDocument(text: string, found: number, source: string): void {
  if (found > 0) return;
  const docs = parseAllDocuments(text, YAML_OPTIONS);
  const list = Array.isArray(docs) ? docs : [docs];
  // A JSON list of no documents (`[]`) holds a document, one that lists none.
  throw invalid([{ path: source, message: list.every(isEmpty) ? noDocumentText(list.length) : 'holds no document (an empty list of them)' }]);
}

/** Data only: YAML 1.1 tags such as !!binary or !!timestamp stay strings instead of becoming Buffers and Dates. */
// merge: YAML 1.1 merge keys (`<<: *defaults`), which Argo documents and Helm-style files use.
// logLevel error: a document's oddities (a list used as a key) are not the service's warnings to print.
// uniqueKeys off: the package compares each key with every earlier one of its mapping (50,000
// keys held a thread a minute); keys given twice are found in one pass after it, with their
// path and lines (yaml-duplicate-keys.ts).
const YAML_OPTIONS = { uniqueKeys: false, resolveKnownTags: false, logLevel: 'error', merge: true } as const;

/**
 * A parsed YAML document as plain data; alias bombs and unresolved aliases are document
 * errors, not crashes, and a document larger than `maxBytes` once its aliases are expanded
 * is refused before it is expanded (yaml-expansion.ts).
 */
export function toData(doc: Document.Parsed, source: string, maxBytes: number, text?: string): unknown {
  checkAliasCount(doc, source, text);
  checkExpandedSize(doc, source, maxBytes);
  try {
    // The aliases are counted above and their expansion measured: the yaml package's own
    // count (aliases inside aliases counted again) refused a chain of 39 merge keys.
    return doc.toJS({ maxAliasCount: -1 });
  } catch (e) {
    // An alias without its anchor, a merge key of a scalar: said with their place (yaml-places.ts).
    const placed = text !== undefined ? toJsProblem(doc, text) : undefined;
    throw invalid([{ path: source, message: placed ?? (e as Error).message }]);
  }
}

/** Refuse text larger than `maxBytes` (413 naming `source`). */
export function checkSize(text: string, source: string, maxBytes: number): void {
  const bytes = Buffer.byteLength(text);
  if (bytes > maxBytes) {
    throw new StrataError('too_large', `${source}: document is ${bytes} bytes, more than the limit of ${maxBytes}`, {
      problems: [{ path: source, message: `document larger than ${maxBytes} bytes` }],
    });
  }
}

/**
 * A yaml error that is the parser's own stack overflowing is the text nesting too deep:
 * 413 naming the limit, not a parse error. checkTextNesting counts nesting before parsing so
 * this should not be reached; it is the backstop should a text get past that count.
 */
export function refuseStackOverflow(errors: ReadonlyArray<{ message: string }>, source: string, max: number): void {
  const e = errors.find((x) => x.message.includes('Maximum call stack size exceeded'));
  if (!e) return;
  const message = `nested too deep for the YAML parser (${yamlMessage(e as never).replace('Maximum call stack size exceeded ', '')}; the limit is ${max} levels, ${LIMIT_VARIABLES.maxTextNesting})`;
  throw pastLimit('too_large', `${source}: ${message}`, LIMIT_VARIABLES.maxTextNesting, { problems: [{ path: source, message }] });
}

/** The first line of a yaml error (its code excerpt left out). */
export function yamlMessage(e: { message: string; linePos?: [{ line: number; col: number }, ...unknown[]] }): string {
  // yaml's first line ends "at line L, column C:" before a code excerpt that is left out.
  return e.message.split('\n')[0].replace(/:\s*$/, '');
}

/**
 * `metadata.version` as written. YAML and JSON read `1.10` as the number 1.1, which would
 * store the Flow as version "1.1" and then refuse `use: lib@1.10`; the scalar's source text
 * is what the author meant.
 */
function keepVersionText(doc: Document.Parsed, data: unknown, at: number[]): unknown {
  const meta = (data as { metadata?: { version?: unknown } } | null)?.metadata;
  if (!meta || typeof meta !== 'object' || typeof meta.version !== 'number') return data;
  const node = doc.getIn([...at, 'metadata', 'version'], true);
  if (isScalar(node) && typeof node.source === 'string') meta.version = node.source;
  return data;
}

/** Whether a parsed JSON value (one document or a list of them) has a numeric metadata.version. */
function numericVersions(json: unknown): boolean {
  const docs = Array.isArray(json) ? json : [json];
  return docs.some((d) => typeof (d as { metadata?: { version?: unknown } } | null)?.metadata?.version === 'number');
}

/** Strict JSON, or undefined when the text is not (YAML then says where it is wrong). */
export function tryJson(text: string): unknown {
  const t = text.trimStart();
  if (!t.startsWith('{') && !t.startsWith('[')) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function checked<T>(value: T, source: string, maxNesting = MAX_DATA_DEPTH, inside = 0): T {
  checkDepth(value, source, maxNesting, inside);
  return value;
}

/** Deepest nesting any document may have by default (STRATA_MAX_TEXT_NESTING): one constant with the data a run reads, src/logic/json-nesting.ts. */
export { MAX_DATA_DEPTH };

/**
 * Refuse data nested deeper than `max` (walked iteratively, so the check itself cannot
 * overflow), naming where: the path of the first levels (`params.list[0]…`), which says
 * which part of a body or document is too deep. `inside`: levels of an envelope around the
 * data's members (parseText), checked within `max + inside`, said as `max`.
 */
export function checkDepth(value: unknown, source = 'document', max: number = MAX_DATA_DEPTH, inside = 0): void {
  // Three stacks side by side (value, depth, path), objects and arrays only: a body of
  // 100,000 tree nodes is walked without an entry or a pair allocated per value.
  const values: object[] = [];
  const depths: number[] = [];
  const paths: string[] = [];
  if (value !== null && typeof value === 'object') {
    values.push(value);
    depths.push(1);
    paths.push('');
  }
  while (values.length > 0) {
    const v = values.pop()!;
    const d = depths.pop()!;
    const at = paths.pop()!;
    if (d > max + inside) {
      const message = `${tooDeepText(max)} (${LIMIT_VARIABLES.maxTextNesting})`;
      const path = at === '' ? source : `${source}.${at.replace(/^\./, '')}`;
      throw pastLimit('too_large', `${path}: ${message}`, LIMIT_VARIABLES.maxTextNesting, { problems: [{ path, message }] });
    }
    // The path is written out for the first levels only: deeper, it is the same text again.
    const named = d <= PATH_LEVELS;
    const deeper = d === PATH_LEVELS + 1 ? `${at}…` : at;
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) {
        const c: unknown = v[i];
        if (c === null || typeof c !== 'object') continue;
        values.push(c);
        depths.push(d + 1);
        paths.push(named ? `${at}[${i}]` : deeper);
      }
    } else {
      const o = v as Record<string, unknown>;
      for (const k of Object.keys(o)) {
        const c = o[k];
        if (c === null || typeof c !== 'object') continue;
        values.push(c);
        depths.push(d + 1);
        paths.push(named ? `${at}.${k}` : deeper);
      }
    }
  }
}

/** Levels of a path checkDepth names. */
const PATH_LEVELS = 3;

/** The numbers of a parsed YAML document a JavaScript number cannot hold, judged by each scalar's text. */
function lossyYamlNumbers(doc: Document.Parsed, text: string, source: string): LossyNumber[] {
  if (!SUSPECT.test(text) && !/\.(?:inf|Inf|INF|nan|NaN|NAN)\b/.test(text)) return [];
  const out: LossyNumber[] = [];
  const stack: Array<[unknown, string]> = [[doc.contents, '']];
  while (stack.length > 0) {
    const [node, at] = stack.pop()!;
    if (isScalar(node)) {
      if (typeof node.value === 'number') {
        const written = typeof node.source === 'string' ? node.source : String(node.value);
        const why = lossOf(written, node.value);
        if (why !== undefined) out.push({ path: under(source, at), message: why });
      }
    } else if (isSeq(node)) node.items.forEach((c, i) => stack.push([c, member(at, i)]));
    else if (isMap(node)) {
      for (const p of node.items) if (isPair(p)) stack.push([p.value, member(at, isScalar(p.key) ? String(p.key.value) : String(p.key))]);
    }
  }
  return out.reverse();
}
