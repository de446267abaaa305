// strata/echo: the built-in operation of the built-in rules. Its result is what it was
// given: the tree node, fan-out item, round, window and inputs' names.
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const env = process.env;
const parse = (s) => (s === undefined ? undefined : JSON.parse(s));
const result = {
  step: env.STRATA_STEP,
  ...(env.STRATA_NODE ? { node: parse(env.STRATA_NODE) } : {}),
  ...(env.STRATA_ITEM ? { item: parse(env.STRATA_ITEM) } : {}),
  ...(env.STRATA_ROUND ? { round: Number(env.STRATA_ROUND) } : {}),
  inputs: env.STRATA_INPUTS ? readdirSync(env.STRATA_INPUTS).sort() : [],
};
writeFileSync(join(env.STRATA_OUTPUTS, 'out'), JSON.stringify(result));
writeFileSync(join(env.STRATA_OUTPUTS, 'result.json'), JSON.stringify(result));
