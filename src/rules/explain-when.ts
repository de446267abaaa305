/**
 * Why a rule matched or not: the part of its `when` that decided. For `and` it is the
 * first false operand (or all true); for `or` the first true operand (or all false); for
 * `!` the operand; otherwise the whole comparison, with the values of its variables.
 */
import type { JsonValue, Logic } from '../flow/types.ts';
import { evaluate, truthy } from '../logic/json-logic.ts';

export interface WhenOutcome {
  matched: boolean;
  reason: string;
}

export function explainWhen(when: Logic, data: unknown, path = 'spec.when'): WhenOutcome {
  const matched = truthy(evaluate(when, data, path));
  return { matched, reason: decide(when, data, path, matched) };
}

function decide(expr: Logic, data: unknown, path: string, value: boolean): string {
  if (expr && typeof expr === 'object' && !Array.isArray(expr)) {
    const [op] = Object.keys(expr);
    const args = (expr as Record<string, JsonValue>)[op];
    const list = Array.isArray(args) ? args : [args];
    if (op === 'and' || op === 'or') {
      const decisive = op === 'and' ? false : true;
      for (let i = 0; i < list.length; i++) {
        const v = truthy(evaluate(list[i], data, `${path}.${op}[${i}]`));
        if (v === decisive) return decide(list[i], data, `${path}.${op}[${i}]`, v);
      }
      return `${path}: every operand of "${op}" was ${!decisive}`;
    }
    if (op === '!') return decide(list[0], data, `${path}.!`, !value);
    return `${path}: ${JSON.stringify(expr)} was ${value}${varsOf(expr, data)}`;
  }
  return `${path}: ${JSON.stringify(expr)} is ${value ? 'true' : 'false'}`;
}

function varsOf(expr: Logic, data: unknown): string {
  const names = new Set<string>();
  const walk = (e: unknown) => {
    if (Array.isArray(e)) return e.forEach(walk);
    if (!e || typeof e !== 'object') return;
    for (const [k, v] of Object.entries(e)) {
      if (k === 'var') {
        const n = Array.isArray(v) ? v[0] : v;
        if (typeof n === 'string') names.add(n);
      } else walk(v);
    }
  };
  walk(expr);
  if (names.size === 0) return '';
  const parts = [...names].map((n) => `${n} = ${JSON.stringify(evaluate({ var: n }, data)) ?? 'undefined'}`);
  return ` (${parts.join(', ')})`;
}
