/**
 * Argo's conditions and expressions to json-logic, so that strata evaluates them as data
 * like every other guard (never as code). Parsed with jsep, then translated node by node;
 * anything without a json-logic meaning is refused with the expression named.
 *
 * - `{{= expr }}` and `when: "{{= expr }}"`: Argo's expr-lang subset: literals and `nil`,
 *   `== != < <= > >= && || ! and or not in contains startsWith endsWith + - * / % ?:` with
 *   expr-lang's type rules (json-logic `expr`, src/logic/expr-operation.ts: `"5" + 1` fails),
 *   member access to Argo's variables (`inputs.parameters.x`, `inputs.parameters['x-y']`,
 *   `steps.a.outputs.result`, `tasks['a'].outputs.parameters.p`, `item`,
 *   `workflow.parameters.x`, `workflow.status`) and the functions `jsonpath(text, path)`,
 *   `asInt`, `asFloat`, `string`.
 * - `when: "{{steps.a.outputs.result}} == heads"`: Argo's govaluate form, read after its
 *   tags are replaced, where a bare word is a string (as Argo makes govaluate's variables
 *   strings), a tag's text outside quotes is read as govaluate reads it (`true`/`false`
 *   booleans, numbers: src/logic/govaluate.ts), `in (a, b)` looks in a list, and a value
 *   that is not a boolean fails the step.
 */
import jsep from 'jsep';
import { clipped, StrataError } from '../errors/strata-error.ts';
import type { Logic } from '../flow/types.ts';
import { evaluate, MAX_LOGIC_DEPTH, readsData } from '../logic/json-logic.ts';
import { nestsDeeperThan } from './expression-depth.ts';
import { partLogic, renderLogic, type Part, type Path, type Value } from './values.ts';
import { replaceQuotedTags, replaceTags } from './when-tags.ts';

jsep.addBinaryOp('and', 2);
jsep.addBinaryOp('or', 1);
jsep.addBinaryOp('in', 7);
// expr's string operators, at the level of its comparisons (they are binary words there too).
jsep.addBinaryOp('contains', 7);
jsep.addBinaryOp('startsWith', 7);
jsep.addBinaryOp('endsWith', 7);
jsep.addBinaryOp('matches', 7);
jsep.addUnaryOp('not');

/** What an Argo variable (`inputs.parameters.x`, as a dotted path) means where it is read. */
export type Resolve = (variable: string) => Value;

/** govaluate's operators (the `when` form): json-logic's, which read texts as govaluate's do. */
const BINARY: Record<string, string> = { '==': '==', '!=': '!=', '<': '<', '<=': '<=', '>': '>', '>=': '>=', '&&': 'and', and: 'and', '||': 'or', or: 'or', '+': 'plus', '-': '-', '*': '*', '/': '/', '%': '%', in: 'in' };

/** expr's == and != compare values and types: json-logic's strict ones. */
const STRICT: Record<string, string> = { '==': '===', '!=': '!==' };
/** expr's operators that check their operands' types (`"5" + 1`, `!"x"`, `'a' in "abc"` fail): json-logic `expr` (logic/expr-operation.ts). */
const TYPED = new Set(['+', '-', '*', '/', '%', '<', '<=', '>', '>=', 'in', 'contains', 'startsWith', 'endsWith']);
/** expr's && and ||: the first operand must be a bool; the second is the value when it decides (vm.go's jumps). */
const LOGICAL: Record<string, 'and' | 'or'> = { '&&': 'and', and: 'and', '||': 'or', or: 'or' };
/** `{"expr": ["bool", v, op]}`: v when it is a boolean, else the step fails naming op. */
const needBool = (v: Logic, op: string): Logic => ({ expr: ['bool', v, op] }) as Logic;
const ARITHMETIC = new Set(['-', '*', '/', '%']);
/**
 * Values Argo's expr sees as text: parameters (inputs, workflow), results, output parameters, exit codes,
 * and a loop's item and its fields (operator.go processItem puts `item` and `item.<key>` in a
 * map of strings, fmt.Sprintf("%v"): `item == '2'` holds for the JSON number 2, Argo tester 6, Q3).
 */
const TEXT_KINDS = new Set(['param', 'result', 'output', 'item', 'exitCode']);

/** A word govaluate makes a string (Argo turns its variables into strings): an identifier that is no placeholder. */
const isBareWord = (node: jsep.Expression, mode: Mode): boolean => node.type === 'Identifier' && !mode.placeholders?.has((node as jsep.Identifier).name);

/** The text of a chain of words and operators (`nightly-report`), for a message; a placeholder as `{{…}}`. */
function shown(node: jsep.Expression, mode: Mode): string {
  if (node.type === 'Identifier') {
    const name = (node as jsep.Identifier).name;
    return mode.placeholders?.has(name) ? '{{…}}' : name;
  }
  if (node.type === 'Literal') return String((node as jsep.Literal).raw);
  if (node.type === 'BinaryExpression') {
    const b = node as jsep.BinaryExpression;
    return `${shown(b.left, mode)}${b.operator}${shown(b.right, mode)}`;
  }
  return '…';
}

const bad = (expr: string, why: string): StrataError => new StrataError('invalid_document', `expression "${clipped(expr)}": ${why}`);

/** Levels of operators an expression may nest: json-logic's limit (logic/json-logic.ts), checked before anything recurses over it. */
const MAX_EXPRESSION_DEPTH = 64;
/** The one refusal of an expression too deep, whichever count finds it (the text's or the tree's), so every route says the same. */
const TOO_DEEP = `nested more than ${MAX_EXPRESSION_DEPTH} levels deep (each operator, call and parenthesis is a level)`;

/**
 * Levels of json-logic an expression's translation may take: json-logic's limit less the
 * levels the places it is put in add around it (a `where` naming it, the `cat` of a text,
 * the `text` of a parameter, a `when`'s `boolean`), so one accepted here is not refused by
 * the flow's own check in json-logic's words, at a path into the generated flow.
 */
const LOGIC_ROOM = MAX_LOGIC_DEPTH - 12;

/** Levels of lists and objects in json-logic, as its own check counts them (a string is a value, whatever brackets it holds); iterative. */
function logicDepth(logic: Logic): number {
  let max = 0;
  const stack: Array<[unknown, number]> = [[logic, 1]];
  while (stack.length > 0) {
    const [v, d] = stack.pop()!;
    if (v === null || typeof v !== 'object') continue;
    if (d > max) max = d;
    for (const k of Array.isArray(v) ? v : Object.values(v)) stack.push([k, d + 1]);
  }
  return max;
}

/** Refuses a translation too deep for json-logic, in the expression's words: each operator there is two levels or more (its object and its list). */
function fitsLogic(expr: string, logic: Logic): void {
  if (logicDepth(logic) > LOGIC_ROOM) throw bad(expr, `nested too deep for json-logic, which strata evaluates it as: more than ${LOGIC_ROOM} levels there, where each operator takes two or more`);
}

/** expr's slice `s[a:b]` (a `:` inside brackets, outside quotes): jsep cannot read it at all. */
const SLICE = /\[[^\]'"]*:[^\]'"]*\]/;

/** expr's closure `{# > 1}` or `{.x > 1}` (a predicate of filter, map, all, ...): jsep has no such syntax. */
const CLOSURE = /\{\s*[#.]/;

function parse(expr: string): jsep.Expression {
  // jsep recurses per parenthesis, bracket, call, prefix operator and ternary: counted in the
  // text first, so what is refused does not depend on the thread's stack (Argo tester 3, N21;
  // tester 7, R10: 3,000 parentheses were refused in the CLI's main thread, run over HTTP).
  if (nestsDeeperThan(expr, MAX_EXPRESSION_DEPTH)) throw bad(expr, TOO_DEEP);
  if (/=~|!~/.test(expr)) throw bad(expr, 'regular expression matching (=~, !~) is not supported');
  // Said before the parser, whose own words (`Unclosed [ at character 23`) do not name it (Argo tester 5, P9).
  if (SLICE.test(expr.replace(/'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*"/g, "''"))) throw bad(expr, 'slices (s[a:b]) are not supported');
  // expr's closures (`filter([1, 2], {# > 1})`, Argo's own examples) make jsep say `Expected comma` (Argo tester 6, Q15).
  if (CLOSURE.test(expr.replace(/'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*"/g, "''"))) throw bad(expr, 'closures ({# ...}) and the functions that take them (filter, map, all, any, none, one, count) are not supported');
  let tree: jsep.Expression;
  try {
    tree = jsep(expr);
  } catch (e) {
    throw bad(expr, e instanceof RangeError ? TOO_DEEP : (e as Error).message);
  }
  if (depthOf(tree) > MAX_EXPRESSION_DEPTH) throw bad(expr, TOO_DEEP);
  return tree;
}

/** How deep a parsed expression nests, without recursion: a chain of 20,000 `+` is 20,000 deep, and translating it would overflow the stack. */
function depthOf(root: jsep.Expression): number {
  let max = 0;
  const stack: Array<[jsep.Expression, number]> = [[root, 1]];
  while (stack.length > 0) {
    const [node, depth] = stack.pop()!;
    if (depth > max) max = depth;
    if (max > MAX_EXPRESSION_DEPTH) return max;
    for (const value of Object.values(node)) {
      for (const kid of Array.isArray(value) ? value : [value]) {
        if (kid && typeof kid === 'object' && typeof (kid as jsep.Expression).type === 'string') stack.push([kid as jsep.Expression, depth + 1]);
      }
    }
  }
  return max;
}

/** The dotted variable a member chain names (`steps['a-b'].outputs.result` -> steps.a-b.outputs.result), or undefined. */
function variableOf(node: jsep.Expression): string | undefined {
  if (node.type === 'Identifier') return (node as jsep.Identifier).name;
  if (node.type !== 'MemberExpression') return undefined;
  const m = node as jsep.MemberExpression;
  const head = variableOf(m.object);
  if (head === undefined) return undefined;
  if (!m.computed && m.property.type === 'Identifier') return `${head}.${(m.property as jsep.Identifier).name}`;
  if (m.computed && m.property.type === 'Literal') return `${head}.${String((m.property as jsep.Literal).value)}`;
  return undefined;
}

interface Mode {
  expr: string;
  /** govaluate: a bare word that is no placeholder is a string */
  bareWordsAreText: boolean;
  resolve: Resolve;
  placeholders?: Map<string, Value>;
  /** placeholders of tags written bare (not inside quotes): govaluate reads their substituted text */
  bare?: Set<string>;
}

/** A json-logic builder for a node: it is rendered for the step that reads it. */
type Build = (from: Path) => Logic;

function translate(node: jsep.Expression, mode: Mode): Build {
  switch (node.type) {
    case 'Literal': {
      const v = (node as jsep.Literal).value;
      if (v instanceof RegExp) throw bad(mode.expr, 'regular expressions are not supported');
      return () => v;
    }
    case 'Identifier':
    case 'MemberExpression': {
      const name = variableOf(node);
      if (name === undefined) throw bad(mode.expr, 'only Argo variables (inputs.parameters.x, steps.a.outputs.result, item, ...) can be read');
      // expr's nil literal: the value nothing has (a parameter is never nil).
      if (!mode.bareWordsAreText && name === 'nil') return () => null;
      const ph = mode.placeholders?.get(name);
      // A bare tag's text is read as govaluate reads it once substituted (`true`, `10`: a
      // boolean, a number); a quoted one is the text it is (`'{{item}}'` of 1.50 is "1.50",
      // never the number 1.5, which json-logic's `==` would find equal to '1.5').
      if (ph) return mode.bare?.has(name) ? (from) => ({ govaluate: { text: renderLogic(ph, from) } }) : (from) => ({ text: renderLogic(ph, from) });
      if (mode.bareWordsAreText && node.type === 'Identifier') return () => name;
      const value = mode.resolve(name);
      // In Argo's expr a parameter, a result and an output parameter are text (`"5"`, never
      // the number 5 a result printing 5 is in strata), so `==` and `+` see them as Argo does.
      if (!mode.bareWordsAreText && value.length === 1 && TEXT_KINDS.has(value[0].kind)) return (from) => ({ text: renderLogic(value, from) });
      return (from) => renderLogic(value, from);
    }
    case 'BinaryExpression': {
      const b = node as jsep.BinaryExpression;
      if (!mode.bareWordsAreText) return exprBinary(b, mode);
      const op = BINARY[b.operator];
      if (!op) throw bad(mode.expr, `operator ${b.operator} is not supported`);
      if (ARITHMETIC.has(b.operator) && (isBareWord(b.left, mode) || isBareWord(b.right, mode))) {
        const words = shown(b, mode);
        throw bad(mode.expr, `${words} is not one word: Argo's govaluate reads it as ${shown(b.left, mode)} ${b.operator} ${shown(b.right, mode)}, arithmetic on words, which fails in Argo (a word is text, not a number); to compare the text, quote it: '${words}'`);
      }
      const l = translate(b.left, mode);
      const r = translate(b.right, mode);
      return (from) => ({ [op]: [l(from), r(from)] });
    }
    case 'UnaryExpression': {
      const u = node as jsep.UnaryExpression;
      const a = translate(u.argument, mode);
      if (!mode.bareWordsAreText) {
        const op = u.operator === '!' || u.operator === 'not' ? '!' : u.operator === '-' ? 'neg' : u.operator === '+' ? 'pos' : undefined;
        if (!op) throw bad(mode.expr, `operator ${u.operator} is not supported`);
        return (from) => ({ expr: [op, a(from)] }) as Logic;
      }
      if (u.operator === '!' || u.operator === 'not') return (from) => ({ '!': [a(from)] });
      if (u.operator === '-') return (from) => ({ '-': [a(from)] });
      if (u.operator === '+') return (from) => ({ '+': [a(from)] });
      throw bad(mode.expr, `operator ${u.operator} is not supported`);
    }
    case 'ConditionalExpression': {
      const c = node as jsep.ConditionalExpression;
      const [t, y, n] = [translate(c.test, mode), translate(c.consequent, mode), translate(c.alternate, mode)];
      if (!mode.bareWordsAreText) return (from) => ({ if: [needBool(t(from), '?:'), y(from), n(from)] });
      return (from) => ({ if: [t(from), y(from), n(from)] });
    }
    case 'ArrayExpression': {
      const items = (node as jsep.ArrayExpression).elements.map((e) => (e ? translate(e, mode) : () => null));
      return (from) => items.map((i) => i(from));
    }
    case 'SequenceExpression': {
      // govaluate's list, for IN: `{{workflow.parameters.word}} in (a, b)`; expr writes lists as [a, b].
      if (!mode.bareWordsAreText) throw bad(mode.expr, 'a list in parentheses (a, b) is govaluate\'s; in an expression write it [a, b]');
      const items = (node as unknown as { expressions: jsep.Expression[] }).expressions.map((e) => translate(e, mode));
      return (from) => items.map((i) => i(from));
    }
    case 'CallExpression':
      return call(node as jsep.CallExpression, mode);
    case 'Compound':
      throw bad(mode.expr, 'one expression is expected, not several');
    default:
      throw bad(mode.expr, `${node.type} is not supported`);
  }
}

/** A binary operator of Argo's expr: == and != strict, && and || on a bool first, the rest with expr's type rules. */
function exprBinary(b: jsep.BinaryExpression, mode: Mode): Build {
  if (b.operator === 'matches') throw bad(mode.expr, 'regular expression matching (matches) is not supported');
  const logical = LOGICAL[b.operator];
  const strict = STRICT[b.operator];
  if (!logical && !strict && !TYPED.has(b.operator)) throw bad(mode.expr, `operator ${b.operator} is not supported`);
  const l = translate(b.left, mode);
  const r = translate(b.right, mode);
  if (logical) return (from) => ({ [logical]: [needBool(l(from), b.operator), r(from)] }) as Logic;
  if (strict) return (from) => ({ [strict]: [l(from), r(from)] }) as Logic;
  return (from) => ({ expr: [b.operator, l(from), r(from)] }) as Logic;
}

/**
 * Refuses a jsonpath path written as a literal that holds a filter or a script (`[?(...)]`,
 * `[(...)]`), when the document is read (Argo tester 6, Q12): strata's jsonpath evaluates
 * no expression inside a path (logic/jsonpath-operation.ts refuses them at the run, which
 * is where a computed path is still said), so a path the document spells out fails here,
 * named, not after the steps before it have run.
 */
function filterless(path: jsep.Expression | undefined, mode: Mode): void {
  if (path?.type !== 'Literal') return;
  const text = (path as jsep.Literal).value;
  if (typeof text === 'string' && /[?()]/.test(text)) throw bad(mode.expr, `jsonpath "${clipped(text)}": filter and script expressions ([?(...)], [(...)]) are not supported`);
}

function call(c: jsep.CallExpression, mode: Mode): Build {
  const fn = variableOf(c.callee);
  const args = c.arguments.map((a) => translate(a, mode));
  const want = (n: number) => {
    if (args.length !== n) throw bad(mode.expr, `${fn}() takes ${n} argument${n === 1 ? '' : 's'}`);
  };
  switch (fn) {
    case 'jsonpath':
      want(2);
      filterless(c.arguments[1], mode);
      // Argo's jsonpath fails on a path that is not there: "required" makes strata's fail too, naming it.
      return (from) => ({ jsonpath: [args[0](from), args[1](from), 'required'] });
    case 'asInt':
    case 'int':
      want(1);
      return (from) => ({ int: args[0](from) });
    case 'asFloat':
    case 'float':
      want(1);
      return (from) => ({ float: args[0](from) });
    case 'string':
      want(1);
      return (from) => ({ cat: [args[0](from)] });
    default:
      throw bad(mode.expr, `function ${fn ?? '(computed)'}() is not supported (jsonpath, asInt, asFloat, string are)`);
  }
}

/**
 * `{{= expr }}`'s expression as a value part, rendered for the step that reads it, inside a
 * `where` naming `place` (the template and field it is written in) and the expression, so an
 * error evaluating it names them. One that reads nothing of the run is evaluated now, and
 * refused when it fails (`asInt('12abc')`, `1/0`), as Argo's expr would fail the node.
 */
export function expressionPart(expr: string, resolve: Resolve, place: string): Part {
  const build = translate(parse(expr), { expr, bareWordsAreText: false, resolve });
  const text = expr.trim();
  const label = `${place}: expression "${clipped(text)}"`;
  const constant = build([]);
  fitsLogic(expr, constant);
  if (!readsData(constant)) {
    try {
      evaluate(constant, {});
    } catch (e) {
      const why = (e as StrataError).details?.problems?.[0]?.message ?? (e as Error).message;
      throw bad(expr, why);
    }
  }
  return { kind: 'logic', make: (from) => ({ where: [label, build(from)] }) as Logic };
}

/** expr's operators whose value is a boolean whenever they give one (`&&`, `||` and `?:` give an operand). */
const BOOLEAN_OPS = new Set(['==', '!=', '<', '<=', '>', '>=', 'in', 'contains', 'startsWith', 'endsWith']);
function givesBoolean(node: jsep.Expression): boolean {
  if (node.type === 'Literal') return typeof (node as jsep.Literal).value === 'boolean';
  if (node.type === 'UnaryExpression') return ['!', 'not'].includes((node as jsep.UnaryExpression).operator);
  if (node.type === 'ConditionalExpression') return givesBoolean((node as jsep.ConditionalExpression).consequent) && givesBoolean((node as jsep.ConditionalExpression).alternate);
  if (node.type !== 'BinaryExpression') return false;
  const b = node as jsep.BinaryExpression;
  // && and || need a boolean first (needBool) and give the second operand when it decides.
  if (LOGICAL[b.operator]) return givesBoolean(b.right);
  return BOOLEAN_OPS.has(b.operator);
}

/** A `when` (either form), written at `place`, as a json-logic builder. `tags` splits a string into its literal text and `{{ }}` values. */
export function whenLogic(when: string, resolve: Resolve, tags: (s: string) => Value, place: string): Build {
  const trimmed = when.trim();
  const whole = /^\{\{=([\s\S]*)\}\}$/.exec(trimmed);
  if (whole && !whole[1].includes('}}')) {
    const part = expressionPart(whole[1], resolve, place);
    // A comparison or a negation gives a boolean (or fails), whose text govaluate reads back as itself.
    if (givesBoolean(parse(whole[1]))) return (from) => partLogic(part, from);
    // Argo replaces the expression tag with its value's text (util/template/expression_template.go
    // expressionReplace: fmt.Sprintf("%v")) and reads that text as any when (steps.go, dag.go
    // shouldExecute): empty runs the step, then govaluate, whose value must be a boolean; so
    // "" runs, the text "false" skips and "maybe" fails, as the tag without `=` (Argo tester 8, S11).
    return (from) => {
      // The part is `{"where": [label, value]}`: one `where` around the whole names the expression.
      const [label] = (partLogic(part, from) as { where: [string, Logic] }).where;
      const text = (): Logic => ({ text: (partLogic(part, from) as { where: [string, Logic] }).where[1] });
      return { where: [label, { if: [{ '===': [text(), ''] }, true, { boolean: { govaluate: text() } }] }] } as Logic;
    };
  }
  // govaluate form: Argo replaces the tags as text first; here each tag (and each quoted
  // string holding one) becomes a placeholder variable that stands for its value.
  const placeholders = new Map<string, Value>();
  const bare = new Set<string>();
  const hold = (v: Value, unquoted = false): string => {
    const id = `__argo_${placeholders.size}`;
    placeholders.set(id, v);
    if (unquoted) bare.add(id);
    return id;
  };
  // In one pass each (when-tags.ts): the regular expressions these were read a long when once per quote.
  const held = replaceTags(replaceQuotedTags(trimmed, (inside) => hold(tags(inside))), (tag) => hold(tags(tag), true));
  const build = translate(parse(held), { expr: when, bareWordsAreText: true, resolve, placeholders, bare });
  fitsLogic(when, build([]));
  // govaluate's when must give a boolean: anything else fails the step (steps.go
  // shouldExecute), never truthiness (a non-empty text such as Python's "False" is no true).
  const label = `${place} "${clipped(trimmed)}"`;
  return (from) => ({ where: [label, { boolean: build(from) }] }) as Logic;
}
