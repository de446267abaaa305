/**
 * Argo documents read the way Argo reads them. Argo (and the Kubernetes API server that
 * stores its objects) turns YAML into JSON with sigs.k8s.io/yaml, which is go-yaml v2:
 *
 * - scalars are read into the type of the field they fill, so a string field keeps `yes`,
 *   `n` or `0777` as written. Nearly every Argo field is a string, so YAML 1.2's core
 *   schema (only `true`/`false` are booleans) reads them as Argo does, where YAML 1.1's
 *   (`yes`, `no`, `y`, `n`, `on`, `off`) would turn a parameter named `n` into `false`;
 *   merge keys (`<<`) are merged, as go-yaml does;
 * - a key given twice in one mapping is refused, naming its path and lines, as `argo submit`
 *   (`--strict`, on by default: sigs.k8s.io/yaml's YAMLToJSONStrict) and `kubectl apply`
 *   (`--validate=strict`) refuse it and as strata refuses it in any document; the `yaml`
 *   package's own check is off (`uniqueKeys: false`) so that the repair below still runs and
 *   the refusal names the key (yaml-duplicate-keys.ts). A key a merge key brings in and the
 *   mapping gives again is an override, as YAML's merge type (and go-yaml v3) reads it;
 * - a quoted scalar or flow collection (`args: ["...`) may continue on lines indented no
 *   more than its parent, which YAML 1.2 (and the `yaml` package) refuses. Argo's own
 *   examples rely on it.
 *
 * Text that the `yaml` package reads as it is is never changed. Only when it refuses a
 * document is the indentation of such continuation lines raised (reindent-flow.ts) and the
 * document read again; that changes no value, because leading white space of a quoted or
 * flow scalar's continuation lines is folded away. The limits are those of any document
 * (size, size once aliases are expanded, 100 aliases, 256 levels).
 */
import { parseAllDocuments, type Document } from 'yaml';
import { invalid, type Problem } from '../errors/strata-error.ts';
import { DEFAULT_LIMITS } from '../flow/limits.ts';
import { checkDepth, checkSize, MAX_DATA_DEPTH, refuseStackOverflow, refuseText, toData, tryJson, yamlMessage } from '../flow/parse-text.ts';
import { checkTextNesting } from '../flow/text-nesting.ts';
import { reindentFlowLines } from './reindent-flow.ts';
import { keepJsonLoopNumbers, keepLoopIntegers, mayHoldBigIntegers } from './loop-integers.ts';
import { mayHoldInexactNumbers, parseExactJson } from '../logic/exact-number.ts';
import { duplicateKeys } from '../logic/lossy-numbers.ts';
import { yamlDuplicateKeys } from '../flow/yaml-duplicate-keys.ts';

const OPTIONS = { merge: true, uniqueKeys: false, resolveKnownTags: false, logLevel: 'error' } as const;

/**
 * Every document of an Argo YAML (or JSON) stream, as data. Throws an `invalid_document`
 * StrataError naming `source` with line and column when even the lenient reading fails,
 * `too_large` past `maxBytes` or nested more than `maxNesting` levels deep.
 */
export function readArgoText(text: string, source = 'document', maxBytes = DEFAULT_LIMITS.maxBytes, maxNesting = MAX_DATA_DEPTH): unknown[] {
  checkSize(text, source, maxBytes);
  checkTextNesting(text, source, maxNesting);
  let json = tryJson(text);
  if (json !== undefined) {
    // Its numbers are not judged here: Argo keeps them as written where it keeps them (loop-integers.ts).
    refuseText(duplicateKeys(text, source), source);
    // Argo keeps a JSON document's withItems items as their JSON text: numbers kept as written.
    if (mayHoldInexactNumbers(text)) json = keepJsonLoopNumbers(json, parseExactJson(text));
    const list = Array.isArray(json) ? json : [json];
    for (const d of list) checkDepth(d, source, maxNesting);
    return list;
  }
  let docs = parse(text);
  let parsed = text;
  refuseStackOverflow(docs.flatMap((d) => d.errors), source, maxNesting);
  const firstErrors = errorsOf(docs, source);
  if (firstErrors.length > 0) {
    const repaired = reindentFlowLines(text);
    if (repaired !== text) {
      docs = parse(repaired);
      parsed = repaired;
      refuseStackOverflow(docs.flatMap((d) => d.errors), source, maxNesting);
    }
    // The original text's errors are the ones that point at what the author wrote.
    if (repaired === text || errorsOf(docs, source).length > 0) throw invalid(firstErrors);
  }
  refuseText(docs.flatMap((d, i) => yamlDuplicateKeys(d, parsed, docs.length > 1 ? `${source}[${i}]` : source)), source);
  const bigIntegers = mayHoldBigIntegers(text);
  return docs
    .map((d, i) => {
      const where = docs.length > 1 ? `${source}[${i}]` : source;
      if (bigIntegers) keepLoopIntegers(d);
      const data = toData(d, where, maxBytes, parsed);
      checkDepth(data, where, maxNesting);
      return data;
    })
    .filter((d) => d !== null && d !== undefined);
}

/** Every document of a YAML stream, read the lenient way (OPTIONS). */
function parse(text: string): Document.Parsed[] {
  const docs = parseAllDocuments(text, OPTIONS);
  return Array.isArray(docs) ? docs : [docs];
}

function errorsOf(docs: Document.Parsed[], source: string): Problem[] {
  return docs.flatMap((d, i) => d.errors.map((e) => ({ path: docs.length > 1 ? `${source}[${i}]` : source, message: yamlMessage(e) })));
}
