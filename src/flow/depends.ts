/**
 * Conditions on sibling outcomes (docs/flow-language.md, Failure handling): Argo's
 * `depends` expressions (`a && (b.Failed || c.Skipped)`) and the `{ node, on }` entries of
 * `dependsOn`, both read into one small tree that the engine evaluates. A grammar, not
 * code: nothing here is ever evaluated as JavaScript.
 *
 *   expr  := or
 *   or    := and ("||" and)*
 *   and   := unary ("&&" unary)*
 *   unary := "!" unary | "(" expr ")" | NAME ("." OUTCOME)?
 *
 * NAME is a graph node's key (letters, digits, `_`, `-`, `.`); a dotted tail is an
 * OUTCOME when it is one of the words below (any case) and what is before it names a
 * node, so `build-v1.2.Failed` reads node `build-v1.2`.
 */
import type { Dependency, Outcome } from './types.ts';

/** What a node's outcome is, as conditions see it. */
export type OutcomeWord = 'succeeded' | 'failed' | 'errored' | 'skipped' | 'omitted' | 'completed' | 'any' | 'anysucceeded' | 'allfailed' | 'bare';

export type Condition =
  | { op: 'and' | 'or'; args: Condition[] }
  | { op: 'not'; arg: Condition }
  | { op: 'is'; node: string; outcomes: OutcomeWord[] };

export class DependsSyntaxError extends Error {}

const WORDS: Record<string, OutcomeWord> = {
  succeeded: 'succeeded', failed: 'failed', errored: 'errored', skipped: 'skipped', omitted: 'omitted',
  completed: 'completed', any: 'any', anysucceeded: 'anysucceeded', allfailed: 'allfailed',
};
const MAX_LENGTH = 4096;

/** Parse a `depends` expression over the node names `nodes`; throws DependsSyntaxError naming the place. */
export function parseDepends(text: string, nodes: Pick<ReadonlySet<string>, 'has'>): Condition {
  if (text.length > MAX_LENGTH) throw new DependsSyntaxError(`is longer than ${MAX_LENGTH} characters`);
  const tokens = tokenize(text);
  let k = 0;
  const peek = () => tokens[k];
  const fail = (what: string): never => {
    const t = tokens[k];
    throw new DependsSyntaxError(`${what} at character ${t ? t.at + 1 : text.length + 1}${t ? ` ("${t.text}")` : ' (the end)'}`);
  };
  const or = (depth: number): Condition => {
    const args = [and(depth)];
    while (peek()?.text === '||') {
      k++;
      args.push(and(depth));
    }
    return args.length === 1 ? args[0] : { op: 'or', args };
  };
  const and = (depth: number): Condition => {
    const args = [unary(depth)];
    while (peek()?.text === '&&') {
      k++;
      args.push(unary(depth));
    }
    return args.length === 1 ? args[0] : { op: 'and', args };
  };
  const unary = (depth: number): Condition => {
    if (depth > 64) fail('nested more than 64 deep');
    const t = peek();
    if (!t) return fail('a node name expected');
    if (t.text === '!') {
      k++;
      return { op: 'not', arg: unary(depth + 1) };
    }
    if (t.text === '(') {
      k++;
      const inner = or(depth + 1);
      if (peek()?.text !== ')') fail('")" expected');
      k++;
      return inner;
    }
    if (t.kind !== 'name') return fail('a node name expected');
    k++;
    return nameCondition(t.text, nodes, (m) => {
      k--;
      fail(m);
    });
  };
  const cond = or(0);
  if (k < tokens.length) fail('"&&", "||" or the end expected');
  return cond;
}

/** `a`, `a.Failed`, `build-v1.2.Failed`: the node and its outcome. */
function nameCondition(text: string, nodes: Pick<ReadonlySet<string>, 'has'>, fail: (m: string) => void): Condition {
  if (nodes.has(text)) return { op: 'is', node: text, outcomes: ['bare'] };
  const dot = text.lastIndexOf('.');
  if (dot > 0) {
    const word = WORDS[text.slice(dot + 1).toLowerCase()];
    const node = text.slice(0, dot);
    if (word && nodes.has(node)) return { op: 'is', node, outcomes: [word] };
    if (nodes.has(node)) fail(`"${text.slice(dot + 1)}" is not an outcome (Succeeded, Failed, Errored, Skipped, Omitted, Completed, Any, AnySucceeded, AllFailed)`);
  }
  fail(`no node named "${dot > 0 && WORDS[text.slice(dot + 1).toLowerCase()] ? text.slice(0, dot) : text}"`);
  throw new Error('unreachable');
}

interface Token {
  text: string;
  kind: 'name' | 'op';
  at: number;
}

function tokenize(text: string): Token[] {
  const out: Token[] = [];
  const re = /\s*(?:(&&|\|\||[!()])|([A-Za-z0-9_][A-Za-z0-9_.-]*))/y;
  let i = 0;
  while (i < text.length) {
    re.lastIndex = i;
    const m = re.exec(text);
    if (!m) {
      if (/^\s*$/.test(text.slice(i))) break;
      const at = i + (text.slice(i).length - text.slice(i).trimStart().length);
      throw new DependsSyntaxError(`unexpected "${text[at]}" at character ${at + 1}`);
    }
    const at = re.lastIndex - (m[1] ?? m[2]).length;
    out.push({ text: m[1] ?? m[2], kind: m[1] ? 'op' : 'name', at });
    i = re.lastIndex;
  }
  return out;
}

/** The condition of a `dependsOn` list: each entry must hold. */
export function dependsOnCondition(list: Dependency[]): Condition | undefined {
  const args: Condition[] = list.map((d) =>
    typeof d === 'string' ? { op: 'is', node: d, outcomes: ['bare'] } : { op: 'is', node: d.node, outcomes: (Array.isArray(d.on) ? d.on : [d.on]).map((o: Outcome) => o) },
  );
  if (args.length === 0) return undefined;
  return args.length === 1 ? args[0] : { op: 'and', args };
}

/** The node names a condition reads, in the order written, once each. */
export function conditionNodes(c: Condition): string[] {
  const out: string[] = [];
  const walk = (x: Condition): void => {
    if (x.op === 'is') {
      if (!out.includes(x.node)) out.push(x.node);
    } else if (x.op === 'not') walk(x.arg);
    else x.args.forEach(walk);
  };
  walk(c);
  return out;
}

/** The two kinds of failure a condition can handle: a non-zero exit (`failed`), none or a lost step (`errored`). */
export type FailureKind = 'failed' | 'errored';

/**
 * The failures a condition handles, by node: the kinds of failure some term naming that
 * node reads (`failed` and `errored` each their own kind; `completed`, `any` and
 * `allfailed` both). A term on `errored` leaves a non-zero exit unhandled, as Argo's
 * `continueOn.error` does not cover a failure. Terms under `!` count as written.
 * Returns [node, kinds] pairs in the order the nodes are first named.
 */
export function handledFailures(c: Condition): Array<[string, FailureKind[]]> {
  const out = new Map<string, Set<FailureKind>>();
  const walk = (x: Condition): void => {
    if (x.op === 'is') {
      for (const o of x.outcomes) {
        const kinds: FailureKind[] = o === 'failed' || o === 'errored' ? [o] : o === 'completed' || o === 'any' || o === 'allfailed' ? ['failed', 'errored'] : [];
        if (kinds.length === 0) continue;
        const set = out.get(x.node) ?? new Set<FailureKind>();
        for (const k of kinds) set.add(k);
        out.set(x.node, set);
      }
    } else if (x.op === 'not') walk(x.arg);
    else x.args.forEach(walk);
  };
  walk(c);
  return [...out].map(([node, kinds]) => [node, (['failed', 'errored'] as const).filter((k) => kinds.has(k))]);
}

/** Whether a condition is only "each of these succeeded or was skipped" (a plain dependsOn list). */
export function isPlain(c: Condition): boolean {
  if (c.op === 'is') return c.outcomes.length === 1 && c.outcomes[0] === 'bare';
  return c.op === 'and' && c.args.every(isPlain);
}
