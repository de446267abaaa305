// Region and country levels: roll up the children's totals handed in as inputs child.<id>.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const level = process.argv[2];
const node = JSON.parse(process.env.STRATA_NODE);
const dir = process.env.STRATA_INPUTS;
const children = readdirSync(dir).filter((f) => f.startsWith('child.')).map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')));
const out = { id: node.id, level, cents: children.reduce((s, c) => s + c.cents, 0), records: children.reduce((s, c) => s + c.records, 0), children: children.length };
writeFileSync(join(process.env.STRATA_OUTPUTS, 'out'), JSON.stringify(out));
writeFileSync(join(process.env.STRATA_OUTPUTS, 'result.json'), JSON.stringify(out));
