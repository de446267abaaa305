/**
 * A request body's bytes to data, in whichever thread does the parsing: UTF-8 text, then
 * JSON or YAML as the Content-Type said, within the size limits and the depth limit. YAML
 * has a lower limit than JSON because it costs far more to parse (docs/api-safety.md).
 */
import { invalid, pastLimit, StrataError } from '../../errors/strata-error.ts';
import { checkDepth, parseText } from '../../flow/parse-text.ts';
import { MAX_DATA_DEPTH } from '../../logic/json-nesting.ts';
import { jsonTextProblems } from '../../logic/lossy-numbers.ts';

export type BodyType = 'json' | 'yaml';

export interface RawBody {
  bytes: Uint8Array;
  type: BodyType;
}

export interface BodyLimits {
  /** bytes of any body, and of a YAML body once its aliases are expanded */
  maxBytes: number;
  /** bytes of a YAML body as sent */
  maxYamlBytes: number;
  /** nesting depth of the data (STRATA_MAX_TEXT_NESTING; MAX_DATA_DEPTH when unset) */
  maxNesting?: number;
  /** a route's own small limits (SMALL_BODY_LIMITS), which no variable sets: a refusal names none */
  fixed?: boolean;
}

/** The 413 for a body of `body.type` past `limits`, naming the variable that sets the limit (STRATA_MAX_BODY_BYTES, STRATA_MAX_YAML_BYTES) unless it is a route's fixed one. */
export function bodyTooLarge(body: RawBody, limits: BodyLimits): StrataError {
  const yaml = body.type === 'yaml';
  const name = yaml ? 'STRATA_MAX_YAML_BYTES' : 'STRATA_MAX_BODY_BYTES';
  const message = `a ${yaml ? 'YAML' : 'JSON'} body may have at most ${yaml ? limits.maxYamlBytes : limits.maxBytes} bytes${limits.fixed ? '' : ` (${name})`}, this one has ${body.bytes.byteLength}${yaml ? '; send large documents as JSON' : ''}`;
  return limits.fixed ? new StrataError('too_large', message) : pastLimit('too_large', message, name);
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * The body as data; 400 for text that is not UTF-8 or does not parse, 413 past a limit.
 * `envelope`: the body is an object around documents (a run request's `{ flow, params }`),
 * each member nested within the limit as the document is on its own (POST /v1/flows), not
 * one level less (tester 13: a flow right at STRATA_MAX_TEXT_NESTING registered but could not run).
 * A number a JavaScript number cannot hold is refused, naming its place (lossy-numbers.ts),
 * but in the top-level members `keptAsText` of a JSON body, which the route keeps as their
 * text (a run request's `params` and `with`: params-as-written.ts; `''`: the whole body, a hook call's).
 * A key given twice in one JSON object is refused anywhere (a YAML body's parser refuses it too), naming the object and the key.
 */
export function parseBody(body: RawBody, limits: BodyLimits, envelope = false, keptAsText: readonly string[] = []): unknown {
  if (!envelope) return parseWhole(body, limits, 0, keptAsText);
  const max = limits.maxNesting ?? MAX_DATA_DEPTH;
  // Walked within `max + 1`: a body deeper is a member nested more than `max`, said in the member's terms.
  const value = parseWhole(body, { ...limits, maxNesting: max }, 1, keptAsText);
  // An object's members were walked within `max` above (a member's depth is the body's less one); a body of another shape is no envelope.
  if (value === null || typeof value !== 'object' || Array.isArray(value)) checkDepth(value, 'body', max);
  return value;
}

/** The body as data (parseBody), its members within `limits.maxNesting` inside `inside` levels of envelope (parseText). */
function parseWhole(body: RawBody, limits: BodyLimits, inside = 0, keptAsText: readonly string[] = []): unknown {
  const max = body.type === 'yaml' ? limits.maxYamlBytes : limits.maxBytes;
  if (body.bytes.byteLength > max) throw bodyTooLarge(body, limits);
  let text: string;
  try {
    text = utf8.decode(body.bytes);
  } catch {
    throw new StrataError('invalid_request', 'the request body is not UTF-8 text', { problems: [{ path: 'body', message: 'not UTF-8' }] });
  }
  if (text.trim() === '') throw new StrataError('invalid_request', 'the request body is empty', { problems: [{ path: 'body', message: 'empty' }] });
  if (body.type === 'json') {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (e) {
      throw new StrataError('invalid_request', `body is not valid JSON: ${(e as Error).message}`, { problems: [{ path: 'body', message: (e as Error).message }] });
    }
    checkDepth(value, 'body', limits.maxNesting, inside);
    const lost = jsonTextProblems(text, 'body', new Set(keptAsText));
    if (lost.length > 0) throw invalid(lost, 'invalid_request');
    return value;
  }
  try {
    return parseText(text, 'body', limits.maxBytes, limits.maxNesting, inside);
  } catch (e) {
    const err = e as StrataError;
    if (err.code === 'invalid_document') throw new StrataError('invalid_request', `body is not valid YAML: ${err.message}`, err.details);
    throw e;
  }
}
