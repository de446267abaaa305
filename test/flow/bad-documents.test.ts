/**
 * Bad Flow documents, one fixture file each under test/fixtures/flows/bad/, taken the way
 * `strata plan` takes them: text -> documents -> validation -> compilation with the other
 * documents of the file as the registry. Every one must end in a StrataError whose
 * message names the path of each problem, and never in a raw exception.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isStrataError, StrataError, type ErrorCode } from '../../src/errors/strata-error.ts';
import { validateFlowDocument } from '../../src/flow/flow-document.ts';
import { DEFAULT_LIMITS, type Limits } from '../../src/flow/limits.ts';
import { parseTextAll } from '../../src/flow/parse-text.ts';
import { compileFlow } from '../../src/plan/compile.ts';

const DIR = join(import.meta.dirname, '../fixtures/flows/bad');

/** Everything `strata plan` does before it prints: returns the error thrown, if any. */
function load(file: string, limits: Limits): unknown {
  try {
    const docs = parseTextAll(readFileSync(join(DIR, file), 'utf8'), file, limits.maxBytes).map((d) => validateFlowDocument(d, limits));
    const byRef = new Map(docs.map((d) => [`${d.metadata.name}@${d.metadata.version}`, d]));
    compileFlow(docs[0], (ref) => byRef.get(ref), limits);
    return undefined;
  } catch (e) {
    return e;
  }
}

interface Case {
  name: string;
  file: string;
  code: ErrorCode;
  /** lines the message must hold, each "path: sentence" */
  lines: string[];
  limits?: Partial<Limits>;
}

const cases: Case[] = [
  { name: 'malformed YAML: the parser\'s place, line and column', file: 'malformed-yaml.yaml', code: 'invalid_document', lines: ['malformed-yaml.yaml: Flow sequence in block collection must be sufficiently indented and end with a ] at line 8, column 1'] },
  { name: 'malformed JSON is reported by line and column too', file: 'malformed-json.json', code: 'invalid_document', lines: ['malformed-json.json: Flow map must end with a } at line 3, column 1'] },
  { name: 'a key given twice in one map', file: 'duplicate-keys.yaml', code: 'invalid_document', lines: ['duplicate-keys.yaml.spec.root.graph.nodes.a: the key "a" is given twice in duplicate-keys.yaml.spec.root.graph.nodes (lines 9 and 10; only its last value would be kept): give each key once'] },
  {
    name: 'wrong types: every field with its own path',
    file: 'wrong-types.yaml',
    code: 'invalid_document',
    lines: [
      'spec.params: must be an object of default parameters',
      'spec.root.graph.traversal: must be one of dfs, bfs, dependency',
      'spec.root.graph.maxParallel: must be a whole number of at least 1',
      'spec.root.graph.nodes.a.retries: must be a whole number from 0 to 100',
      'spec.root.graph.nodes.a.timeout: must be a number of seconds, more than 0 and at most a week, or a duration like 30s, 2m, 1h30m, or text with {{ references }} (such as "{{ params.t }}") giving one when the step starts',
      'spec.root.graph.nodes.a.task.image: must be text (with {{ references }}) or a json-logic expression giving it, not a number',
      'spec.root.graph.nodes.a.task.command: Invalid input: expected array, received string',
      'spec.root.graph.nodes.a.task.env.1BAD: must be an environment variable name',
      'spec.root.graph.nodes.b.fanOut.over: must be a list, or json-logic giving a list',
      'spec.root.graph.nodes.b.fanOut.concurrency: must be a whole number of at least 1',
    ],
  },
  {
    name: 'unknown keys at every level, each at its own path',
    file: 'unknown-keys.yaml',
    code: 'invalid_document',
    lines: [
      'status: unknown key "status"',
      'metadata.owner: unknown key "owner"',
      'spec.schedule: unknown key "schedule"',
      'spec.root.sequence[0].colour: unknown key "colour"',
      'spec.root.sequence[0].task.imagePullPolicy: unknown key "imagePullPolicy"',
      'spec.root.sequence[1].graph.parallel: unknown key "parallel"',
    ],
  },
  {
    name: 'references that cannot resolve: guards, inputs, fan-in sources, across a pod\'s wall; each with the nearest name',
    file: 'unresolved-references.yaml',
    code: 'invalid_document',
    lines: [
      'spec.root.sequence[5].fanIn.from: no earlier sibling named "tset" to join (did you mean "test"?)',
      'spec.root.sequence[2].when: results.biuld: no step "biuld" (did you mean "build"?)',
      'spec.root.sequence[3].when: results.build-v1.2.ok: var splits its path at ".", so this reads step "build-v1", which does not exist; read step "build-v1.2" with {"result": "build-v1.2"}',
      'spec.root.sequence[4].task.inputs.rows: input "extrct": no step "extrct"',
      'spec.root.sequence[6].pod.flow.sequence[0].when: results.build: step "build" is outside pod "etl", and inside a pod only the pod\'s own containers\' results can be read; pass the data in as an input',
      'spec.root.sequence[7].when: {"result": "etl/inner"}: step "etl/inner" is a container inside pod "etl", whose results only its own containers can read; read the pod\'s result, or pass the data as an input',
    ],
  },
  {
    name: 'a pattern key strata does not know is named; a misspelt one gets the nearest',
    file: 'unknown-pattern.yaml',
    code: 'invalid_document',
    lines: [
      'spec.root.sequence[0].teleport: unknown key "teleport": a node needs exactly one of task, pod, sequence, graph, fanOut, fanIn, cycle, use, generate',
      'spec.root.sequence[1].sequnce: unknown key "sequnce" (did you mean "sequence"?): a node needs exactly one of task, pod, sequence, graph, fanOut, fanIn, cycle, use, generate',
    ],
  },
  {
    name: 'duplicate ids, also an id equal to a sibling\'s index name',
    file: 'duplicate-ids.yaml',
    code: 'invalid_document',
    lines: ['spec.root.sequence[1].id: duplicate id "load" (also at [0])', 'spec.root.sequence[3].id: duplicate id "3" (also at [2])'],
  },
  { name: 'a node that depends on itself', file: 'self-dependency.yaml', code: 'invalid_document', lines: ['spec.root.graph.nodes.b.dependsOn[0]: "b" depends on itself'] },
  {
    name: 'dependsOn a missing node, twice the same node, or a name every object inherits',
    file: 'missing-dependency.yaml',
    code: 'invalid_document',
    lines: [
      'spec.root.graph.nodes.b.dependsOn[0]: no node named "x" (did you mean "a"?)',
      'spec.root.graph.nodes.b.dependsOn[2]: "a" is listed twice',
      'spec.root.graph.nodes.b.dependsOn[3]: no node named "toString"',
    ],
  },
  { name: 'a dependsOn cycle, named in run order', file: 'dependency-cycle.yaml', code: 'invalid_document', lines: ['spec.root.graph.nodes: dependency cycle extract -> transform -> load -> extract'] },
  { name: 'a use cycle through the registry, named a@1 -> b@2 -> a@1', file: 'use-cycle.yaml', code: 'cycle', lines: ['spec.root.sequence[1].use(b@2).spec.root.graph.nodes.inner.use: use cycle a@1 -> b@2 -> a@1: a unit that uses itself needs a when on the way (on this use node or a node around it in the unit), or it never ends'] },
  { name: 'a use of a flow nobody registered', file: 'missing-use.yaml', code: 'not_found', lines: ['spec.root.sequence[1].use: no registered flow "nowhere@1"'] },
  { name: 'a pod inside a pod', file: 'pod-in-pod.yaml', code: 'invalid_document', lines: ['spec.root.pod.flow.sequence[0].pod: a pod cannot hold another pod: a pod\'s flow is a micro flow of containers'] },
  { name: 'a fanIn before the sibling it joins', file: 'fanin-without-source.yaml', code: 'invalid_document', lines: ['spec.root.sequence[0].fanIn.from: no earlier sibling named "fan" to join'] },
  { name: 'a cycle whose only bound is a source strata cannot read', file: 'endless-cycle.yaml', code: 'invalid_document', lines: ['spec.root.cycle.source: must be redis-stream://KEY or file://PATH'] },
  {
    name: 'json-logic with an unknown operator or a prototype-walking variable',
    file: 'bad-logic.yaml',
    code: 'invalid_document',
    lines: ['spec.root.sequence[0].when: unknown json-logic operator "eval"', 'spec.root.sequence[1].when.var: variable "constructor.prototype" names a forbidden property'],
  },
  {
    name: 'the wrong apiVersion, a bad name and an empty node',
    file: 'not-a-flow.yaml',
    code: 'invalid_document',
    lines: [
      'apiVersion: must be strata/v1',
      'metadata.name: must be lower-case letters, digits, "-" and "." (at most 64)',
      'spec.root: a node needs exactly one of task, pod, sequence, graph, fanOut, fanIn, cycle, use, generate; found none',
    ],
  },
  { name: 'nesting deeper than the limit', file: 'too-deep.yaml', code: 'invalid_document', lines: [`spec.root${'.sequence[0]'.repeat(48)}: nodes nested more than 48 levels deep, the limit (STRATA_MAX_FLOW_DEPTH)`] },
  // Argo tester 2, fault 8: the yaml package's own stack overflowed on this one.
  { name: 'block collections nested deeper than the parser can go', file: 'block-deep.yaml', code: 'too_large', lines: ['block-deep.yaml: nested more than 256 levels deep (at line 8, column 513; STRATA_MAX_TEXT_NESTING)'] },
  { name: 'more nodes than the limit', file: 'too-many-nodes.yaml', code: 'invalid_document', lines: ['spec.root.sequence[4]: more than 5 nodes in one document, the limit (STRATA_MAX_DOCUMENT_NODES)'], limits: { maxNodes: 5 } },
  { name: 'a document larger than the limit', file: 'too-large.yaml', code: 'too_large', lines: ['too-large.yaml: document is 294 bytes, more than the limit of 256'], limits: { maxBytes: 256 } },
];

describe('bad documents', () => {
  for (const c of cases) {
    it(c.name, () => {
      const err = load(c.file, { ...DEFAULT_LIMITS, ...c.limits });
      expect(err).toBeInstanceOf(StrataError);
      expect(isStrataError(err)).toBe(true);
      const e = err as StrataError;
      expect(e.code).toBe(c.code);
      const lines = e.message.split('\n');
      for (const line of c.lines) expect(lines).toContain(line);
      // every problem has a path and a sentence, and no stack frame leaks into what users see
      for (const p of e.details.problems ?? []) expect(p.path.length > 0 && p.message.length > 0).toBe(true);
      expect(e.message).not.toMatch(/\n\s+at /);
      expect(JSON.stringify(e.toJSON())).not.toContain('.ts:');
    });
  }

  it('every fixture in the folder is one of the cases above', () => {
    expect(readdirSync(DIR).sort()).toEqual(cases.map((c) => c.file).sort());
  });
});
