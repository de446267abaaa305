/**
 * Nodes that wrap one body sharing their step id: fanIn (the body sees the joined
 * results), use (the body is a unit with its own parameters) and generate's nested unit.
 */
import type { JsonValue } from '../flow/types.ts';
import type { FanInNode, PlanNode, PodNode, UseNode } from '../plan/plan-node.ts';
import { joinId } from '../plan/plan-node.ts';
import { outcomeForParent, type Act, type Driver, type Ops, type Scope } from './act.ts';
import { envOf, podScope } from './pod-scope.ts';

/**
 * Run `body` as the only child, then finish with its outcome (or as `end` decides);
 * `quietBody` when only `act` reports the shared id; `index` its declared position.
 */
export function wrapDriver(act: Act, ops: Ops, body: PlanNode, scope: Scope, quietBody?: boolean, end?: (done: Act) => void, index = 0): Driver {
  let started = false;
  let done: Act | undefined;
  return {
    pump() {
      if (!started) {
        started = true;
        return ops.start(ops.spawn(body, act, joinId(act.id, body.seg), scope, index, quietBody));
      }
      if (!done) return;
      if (end) return end(done);
      const o = outcomeForParent(done);
      // A unit whose body failed gives what its body gave (a failed leaf's result; Argo tester 5, P4).
      if (o.error) ops.finish(act, 'failed', act.node.kind === 'use' ? done.result : undefined, o.error);
      // A body that failed under its continueOn still gave its result (a failed leaf's): the unit's.
      else ops.finish(act, 'succeeded', done.result ?? null);
    },
    childDone(c) {
      done = c;
      ops.dirty(act);
    },
  };
}

/** fanIn: the body gets the results of `from` (a sibling, usually a fanOut) as its `results` input. */
export function fanInDriver(act: Act, ops: Ops): Driver {
  const node = act.node as FanInNode;
  const parentId = act.parent ? act.parent.id : '';
  const results = ops.result(joinId(parentId, node.from)) ?? null;
  return wrapDriver(act, ops, node.body, { ...act.scope, data: { ...act.scope.data, results } });
}

/** How deep a unit may use itself (Argo's limit on a template calling itself is of this order). */
export const MAX_RECURSION = 100;

/** use: the registered flow runs beneath this step with its parameters (`with` over its defaults). */
export function useDriver(act: Act, ops: Ops): Driver {
  const node = act.node as UseNode;
  if (node.recursive && ops.guessedGuard(act)) {
    // A dry run cannot know the guard that ends the recursion: it does not expand it.
    ops.note(act, 'recursion', `uses ${node.ref} again behind a guard that depends on step results, which a dry run does not know: not expanded`);
    return { pump: () => ops.finish(act, 'succeeded', null), childDone: () => undefined };
  }
  const body = node.recursive ? recursiveBody(act, node) : node.body;
  const params: Record<string, JsonValue> = { ...node.params };
  // As in a rule's `with`: an object whose one key is a json-logic operator is evaluated,
  // any other value is a literal (whose members may be expressions).
  // Defined, not assigned: a key named __proto__ (refused when flows are validated) could never set a prototype here.
  for (const [k, v] of Object.entries(node.with)) Object.defineProperty(params, k, { value: ops.evaluateValues(v, act, `use.with.${k}`), enumerable: true, writable: true, configurable: true });
  // The unit's declared inputs, resolved where the use node is (its caller's paths).
  const unitInputs = node.inputs ? ops.resolveInputs(node.inputs, act) : undefined;
  // A request by name's wrapper adds no depth: its unit nests as when run itself (use-request.ts).
  act.unitScope = { ...act.scope, params, unitId: act.id, depth: act.scope.depth + (node.request ? 0 : 1), ...(unitInputs ? { unitInputs } : {}) };
  return wrapDriver(act, ops, body, act.unitScope, body.seg === '' && !!node.gives?.parameters);
}

/**
 * The body of a unit that uses itself: that of the nearest enclosing use of the same ref
 * (or the run's root, when it is that flow). Throws past MAX_RECURSION open copies of the
 * unit, naming the chain of units.
 */
function recursiveBody(act: Act, node: UseNode): PlanNode {
  const refs: string[] = [];
  let body: PlanNode | undefined;
  for (let a: Act | undefined = act; a; a = a.parent) {
    if (a !== act && a.node.kind === 'use') {
      refs.unshift(a.node.ref);
      if (!body && !a.node.recursive && a.node.ref === node.ref) body = a.node.body;
    }
    if (!a.parent && a.node.unitRef) {
      refs.unshift(a.node.unitRef);
      if (!body && a.node.unitRef === node.ref) body = a.node;
    }
  }
  if (refs.filter((r) => r === node.ref).length >= MAX_RECURSION) throw new Error(`recursion deeper than ${MAX_RECURSION} units: ${chainText([...refs, node.ref])}`);
  if (!body) throw new Error(`use ${node.ref}: the unit it uses again is not around this step (inside a pod, a unit's recursion must start in the pod)`);
  return body;
}

/** `a@1 -> a@1 -> a@1 -> … -> a@1 (101 units)` for long chains. */
function chainText(refs: string[]): string {
  if (refs.length <= 6) return refs.join(' -> ');
  return `${refs.slice(0, 3).join(' -> ')} -> … -> ${refs[refs.length - 1]} (${refs.length} units)`;
}

/**
 * A pod as a composite (the dry run): its micro plan runs in place, with the scope the
 * quarterback gives it, so its containers are the leaves that take the ticks.
 */
export function podDriver(act: Act, ops: Ops): Driver {
  const node = act.node as PodNode;
  return wrapDriver(act, ops, node.body, { ...podScope(envOf(act.scope)), depth: act.scope.depth }, node.body.seg === '');
}
