// Store level: total sales of one store from its data file (qty * price, in cents).
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const node = JSON.parse(process.env.STRATA_NODE);
// A step starts in a directory of its own, so the data is found beside this program
// (examples/retail/data) unless DATA_DIR names another place.
const dataDir = process.env.DATA_DIR ? resolve(process.env.DATA_DIR) : join(dirname(fileURLToPath(import.meta.url)), '..', 'data');
const records = JSON.parse(readFileSync(join(dataDir, `${node.id}.json`), 'utf8'));
const cents = records.reduce((sum, r) => sum + Math.round(r.qty * r.price * 100), 0);
const out = { id: node.id, level: node.level, cents, records: records.length };
if (process.env.STRATA_SCRATCH) writeFileSync(join(process.env.STRATA_SCRATCH, `${node.id}.json`), JSON.stringify(out));
writeFileSync(join(process.env.STRATA_OUTPUTS, 'out'), JSON.stringify(out));
writeFileSync(join(process.env.STRATA_OUTPUTS, 'result.json'), JSON.stringify(out));
