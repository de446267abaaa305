/**
 * Generated bad requests for the API fuzz test (test/api/fuzz.int.test.ts): every route of
 * the OpenAPI document with odd ids and odd queries, and every route that takes a document
 * with malformed JSON and YAML, alias bombs, wrong types, over-deep and over-large bodies,
 * missing or wrong content types, heavy json-logic, bad Idempotency-Keys.
 */
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { parse } from 'yaml';

export interface FuzzRequest {
  kind: string;
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string;
}

const read = (p: string) => parse(readFileSync(p, 'utf8'));
const list = (n: number) => Array.from({ length: n }, (_, i) => i);
const heavy = (n: number) => ({ some: [list(n), { some: [list(n), { some: [list(n), { '==': [{ var: '' }, -1] }] }] }] });

/** Valid documents (named apart from anything stored before the fuzz) to break one part of. */
export function validDocuments(): Record<string, unknown> {
  const flow = { ...read('examples/retail/report-flow.yaml'), metadata: { name: 'fuzz-new-flow', version: '1' } };
  const rule = { ...read('examples/retail/rules.yaml'), metadata: { name: 'fuzz-new-rule' } };
  const dataset = { ...read('examples/retail/dataset.yaml'), metadata: { name: 'fuzz-new-dataset' } };
  return {
    '/v1/datasets': dataset,
    '/v1/datasets?dryRun=true': dataset,
    '/v1/rules': rule,
    '/v1/rules/explain': dataset,
    '/v1/flows': flow,
    '/v1/plans': flow,
    '/v1/plans?dryRun=true&format=json': flow,
    '/v1/runs': { flow },
  };
}

/** A copy of `doc` with the value at one path replaced, or its key removed. */
export function mutate(doc: unknown, picks: number[], replacement: unknown, remove: boolean): unknown {
  const copy = structuredClone(doc) as Record<string, unknown>;
  let node: Record<string, unknown> = copy;
  for (let i = 0; i < picks.length; i++) {
    const keys = Object.keys(node);
    if (keys.length === 0) break;
    const key = keys[picks[i] % keys.length];
    const child = node[key];
    if (i === picks.length - 1 || !child || typeof child !== 'object') {
      if (remove) delete node[key];
      else node[key] = replacement;
      break;
    }
    node = child as Record<string, unknown>;
  }
  return copy;
}

const json = (v: unknown) => ({ 'content-type': 'application/json', body: JSON.stringify(v) ?? 'null' });
const yaml = (text: string) => ({ 'content-type': 'application/yaml', body: text });

/** Ids that are not ids: key suffixes of a real one, separators, encodings, huge ones. */
function oddIds(realRun: string): fc.Arbitrary<string> {
  return fc.oneof(
    fc.string({ maxLength: 40 }),
    fc.constantFrom(`${realRun}:log`, `${realRun}:plan`, `${realRun}:events`, `${realRun}:seen`, `${realRun}:steps`, `${realRun}:cursors`, `${realRun}x:y`),
    fc.constantFrom('..', '%2e%2e', '%00', '__proto__', 'constructor', '%ZZ', '🙂', 'a b', 'A', '-a', 'a'.repeat(300), 'r', 'rZZZZZZZZZZ', 'x@1', '*', '?', '#'),
    fc.stringMatching(/^r[0-9a-z]{8,20}$/), // well formed, never made
  );
}

function weirdValue(): fc.Arbitrary<unknown> {
  return fc.oneof(
    fc.constant(null), fc.string({ maxLength: 20 }), fc.integer(), fc.double(), fc.boolean(),
    fc.array(fc.jsonValue({ maxDepth: 2 }), { maxLength: 3 }), fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 3 }),
    fc.constantFrom('__proto__', { log: 'x' }, { var: 'constructor.constructor' }, { var: '__proto__' }, { nope: [1] }, heavy(200), { map: [list(5000), { cat: [{ var: '' }, 'x'] }] }),
  );
}

function deep(depth: number, asYaml: boolean): string {
  return asYaml ? `a: ${'['.repeat(depth)}${']'.repeat(depth)}` : `{"a":${'['.repeat(depth)}1${']'.repeat(depth)}}`;
}

function aliasBomb(kind: number): string {
  if (kind === 0) {
    const lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
    for (let i = 1; i < 9; i++) lines.push(`${'abcdefghij'[i]}: &${'abcdefghij'[i]} [${Array.from({ length: 10 }, () => `*${'abcdefghij'[i - 1]}`).join(',')}]`);
    return lines.join('\n');
  }
  // One large anchor used often: small as text, large as data.
  return [`big: &big "${'x'.repeat(20_000)}"`, 'uses:', ...Array.from({ length: 99 }, () => '  - *big')].join('\n');
}

/** Every kind of bad request; `paths` are the OpenAPI paths with their methods. */
export function badRequests(o: { paths: Array<[string, string]>; realRun: string; maxBodyBytes: number }): fc.Arbitrary<FuzzRequest> {
  const docs = validDocuments();
  const docRoutes = Object.keys(docs);
  const req = (kind: string, method: string, path: string, b: { 'content-type'?: string; body?: string }, extra: Record<string, string> = {}): FuzzRequest => ({
    kind, method, path, headers: { ...(b['content-type'] ? { 'content-type': b['content-type'] } : {}), ...extra }, ...(b.body !== undefined ? { body: b.body } : {}),
  });
  const big = 'x'.repeat(o.maxBodyBytes + 10);
  return fc.oneof(
    fc.record({ route: fc.constantFrom(...docRoutes), picks: fc.array(fc.nat(50), { minLength: 1, maxLength: 6 }), value: weirdValue(), remove: fc.boolean(), asYaml: fc.boolean() })
      .map((r) => {
        const broken = mutate(docs[r.route], r.picks, r.value, r.remove);
        return req('wrong type', 'POST', r.route, r.asYaml ? yaml(JSON.stringify(broken)) : json(broken));
      }),
    fc.record({ route: fc.constantFrom(...docRoutes), text: fc.oneof(fc.string({ maxLength: 200 }), fc.constantFrom('{', '[1,', '{"a":}', 'a: [', 'a: {b', '"unclosed', '\t- x', '? [a]\n: b', '--- !!binary x', 'a: &x\nb: *y', '%YAML 9.9\n---\na: 1', '{a: 1, a: 2}')), asYaml: fc.boolean() })
      .map((r) => req('malformed text', 'POST', r.route, { 'content-type': r.asYaml ? 'application/yaml' : 'application/json', body: r.text === '' ? ' ' : r.text })),
    fc.record({ route: fc.constantFrom(...docRoutes), kind: fc.nat(1) }).map((r) => req('alias bomb', 'POST', r.route, yaml(aliasBomb(r.kind)))),
    fc.record({ route: fc.constantFrom(...docRoutes), depth: fc.integer({ min: 260, max: 3000 }), asYaml: fc.boolean() })
      .map((r) => req('over-deep', 'POST', r.route, { 'content-type': r.asYaml ? 'application/yaml' : 'application/json', body: deep(r.depth, r.asYaml) })),
    fc.constantFrom(...docRoutes).map((route) => req('over-large', 'POST', route, { 'content-type': 'application/json', body: big })),
    fc.record({ route: fc.constantFrom(...docRoutes), type: fc.constantFrom(undefined, 'text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data', 'text/html', 'application/xml') })
      .map((r) => req('content type', 'POST', r.route, { ...(r.type ? { 'content-type': r.type } : {}), body: JSON.stringify(docs[r.route]) })),
    fc.record({ n: fc.integer({ min: 150, max: 500 }), where: fc.nat(2) }).map((r) => {
      const when = heavy(r.n);
      if (r.where === 0) return req('heavy json-logic', 'POST', '/v1/rules', json({ apiVersion: 'strata/v1', kind: 'Rule', metadata: { name: 'fuzz-heavy' }, spec: { when, emit: { generator: 'pipeline' } } }));
      if (r.where === 1) return req('heavy json-logic', 'POST', '/v1/plans?dryRun=true', json({ apiVersion: 'strata/v1', kind: 'Flow', metadata: { name: 'fuzz-heavy', version: '1' }, spec: { root: { id: 'a', when, task: { image: 'x' } } } }));
      return req('heavy json-logic', 'POST', '/v1/rules/explain', json({ apiVersion: 'strata/v1', kind: 'Dataset', metadata: { name: 'fuzz-heavy' }, spec: { shape: 'table', partitions: list(r.n) } }));
    }),
    fc.record({ route: fc.constantFrom(...o.paths), ids: fc.array(oddIds(o.realRun), { minLength: 4, maxLength: 4 }), body: fc.option(fc.jsonValue({ maxDepth: 2 }), { nil: undefined }) }).map((r) => {
      const [method, template] = r.route;
      let i = 0;
      const path = template.replace(/\{\w+\}/g, () => encodeURIComponent(r.ids[i++]));
      return req('odd id', method.toUpperCase(), path, r.body === undefined || method === 'get' ? {} : json(r.body));
    }),
    fc.record({ route: fc.constantFrom('/v1/runs', '/v1/plans', '/v1/datasets'), q: fc.constantFrom('limit=-1', 'limit=abc', 'limit=100000', 'status=bogus', 'cursor=%00', 'cursor=zz', 'selector=%3D%3D', 'format=svg', 'dryRun=maybe&run=1&run=0', 'flow=..%2F..', 'dataset=%00') })
      .map((r) => req('bad query', r.route === '/v1/runs' ? 'GET' : 'POST', `${r.route}?${r.q}`, r.route === '/v1/runs' ? {} : json(docs[r.route === '/v1/plans' ? '/v1/plans' : '/v1/datasets']))),
    fc.record({ key: fc.oneof(fc.constant(''), fc.constant('k'.repeat(300)), fc.constant('"unclosed'), fc.constant('a b')), route: fc.constantFrom('/v1/runs', '/v1/datasets?run=true') })
      .map((r) => req('bad idempotency key', 'POST', r.route, json(r.route === '/v1/runs' ? { use: 'nope@1' } : { kind: 'Dataset' }), { 'idempotency-key': r.key })),
  );
}
