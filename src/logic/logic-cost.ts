/**
 * What a json-logic expression will cost, known before it runs: an estimate in the budget's
 * units (json-logic.ts: one per operation applied, plus one per element or character of
 * every list or string an operation gives) from the expression alone. Lists the expression
 * writes out count at their length; lists read from data (`var`) count as one element,
 * since their length is unknown until run time, where the budget itself stops them. So
 * registration refuses what is heavy whatever the data (`some` nested over three literal
 * lists of 400 numbers: 64 million operations), and run time stops the rest.
 */

interface Estimate {
  /** units */
  cost: number;
  /** elements or characters of the value it gives, when known (0 when not) */
  len: number;
  /** the innermost part that alone exceeds the budget */
  worst?: { path: string; cost: number };
}

const ITERATING = new Set(['filter', 'map', 'all', 'none', 'some']);
const BRANCHING = new Set(['if', '?:', 'and', 'or']);
const MAX_DEPTH = 64;

/** The estimate of `expr`, and the path of the innermost part whose estimate alone exceeds `budget` (if any). */
export function logicCost(expr: unknown, path: string, budget: number): { cost: number; worst?: { path: string; cost: number } } {
  const e = estimate(expr, path, budget, 0);
  return { cost: e.cost, ...(e.worst ? { worst: e.worst } : {}) };
}

function estimate(expr: unknown, path: string, budget: number, depth: number): Estimate {
  if (depth > MAX_DEPTH) return { cost: 1, len: 0 }; // refused as too deep by validateLogic
  if (typeof expr === 'string') return { cost: 1 + expr.length, len: expr.length };
  if (expr === null || typeof expr !== 'object') return { cost: 1, len: 0 };
  if (Array.isArray(expr)) {
    const parts = expr.map((x, i) => estimate(x, `${path}[${i}]`, budget, depth + 1));
    return finish(1 + sum(parts) + expr.length, expr.length, parts, path, budget);
  }
  const keys = Object.keys(expr);
  if (keys.length !== 1) return { cost: 1, len: 0 }; // a literal object: given back as it is
  const op = keys[0];
  const raw = (expr as Record<string, unknown>)[op];
  const args = Array.isArray(raw) ? raw : [raw];
  const at = (i: number) => (Array.isArray(raw) ? `${path}.${op}[${i}]` : `${path}.${op}`);
  const parts = args.map((a, i) => estimate(a, at(i), budget, depth + 1));
  if (ITERATING.has(op) || op === 'reduce') {
    const [list, body, initial] = [parts[0], parts[1], parts[2]];
    const n = Math.max(1, list?.len ?? 0);
    const cost = 1 + (list?.cost ?? 0) + n * (body?.cost ?? 0) + (initial?.cost ?? 0) + (op === 'map' || op === 'filter' ? n : 0);
    return finish(cost, op === 'map' || op === 'filter' ? n : 0, parts, path, budget);
  }
  if (op === 'merge') {
    const len = parts.reduce((s, p) => s + Math.max(1, p.len), 0);
    return finish(1 + sum(parts) + len, len, parts, path, budget);
  }
  if (op === 'range') {
    // Literal bounds give the length; bounds read from data are stopped at run time (MAX_RANGE).
    const [s, e, by] = args.map((a) => (typeof a === 'number' ? a : undefined));
    const len = s !== undefined && e !== undefined && by !== 0 ? Math.floor(Math.abs((e - s) / (by ?? 1))) + 1 : 0;
    return finish(1 + sum(parts) + len, len, parts, path, budget);
  }
  if (op === 'cat') {
    const len = parts.reduce((s, p) => s + p.len, 0);
    return finish(1 + sum(parts) + len, len, parts, path, budget);
  }
  const len = BRANCHING.has(op) ? Math.max(0, ...parts.map((p) => p.len)) : 0;
  return finish(1 + sum(parts), len, parts, path, budget);
}

function sum(parts: Estimate[]): number {
  return parts.reduce((s, p) => s + p.cost, 0);
}

function finish(cost: number, len: number, parts: Estimate[], path: string, budget: number): Estimate {
  const inner = parts.find((p) => p.worst)?.worst;
  return { cost, len, ...(inner ? { worst: inner } : cost > budget ? { worst: { path, cost } } : {}) };
}
