// World level: the grand total over countries, with each country's share.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const dir = process.env.STRATA_INPUTS;
const countries = readdirSync(dir).filter((f) => f.startsWith('child.')).map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')));
const cents = countries.reduce((s, c) => s + c.cents, 0);
const out = { id: 'world', cents, records: countries.reduce((s, c) => s + c.records, 0), byCountry: Object.fromEntries(countries.map((c) => [c.id, c.cents])) };
writeFileSync(join(process.env.STRATA_OUTPUTS, 'out'), JSON.stringify(out));
writeFileSync(join(process.env.STRATA_OUTPUTS, 'result.json'), JSON.stringify(out));
