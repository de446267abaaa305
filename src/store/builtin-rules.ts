/** The built-in rules of rules/*.json, loaded and validated at start-up. */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Generator } from '../rules/generator.ts';
import { validateRule, type Rule } from '../rules/rule-document.ts';

export const RULES_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'rules');

export function loadBuiltinRules(generators: ReadonlySet<string> | ReadonlyMap<string, Generator>, dir = RULES_DIR): Rule[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => validateRule(JSON.parse(readFileSync(join(dir, f), 'utf8')), generators));
}

/** The rules in force: the built-in ones, shadowed by registered rules of the same name. */
export async function rulesInForce(defs: { listRules(): Promise<Rule[]> }, builtin: Rule[]): Promise<Rule[]> {
  const user = await defs.listRules();
  const names = new Set(user.map((r) => r.metadata.name));
  return [...builtin.filter((r) => !names.has(r.metadata.name)), ...user];
}
