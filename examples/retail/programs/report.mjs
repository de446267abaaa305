// The registered retail-report flow's step: a one-line report of the grand total.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const total = JSON.parse(readFileSync(join(process.env.STRATA_INPUTS, 'total'), 'utf8'));
const report = { grandTotal: (total.cents / 100).toFixed(2), records: total.records, byCountry: total.byCountry };
process.stdout.write(`retail 2026: ${report.grandTotal} over ${report.records} records\n`);
writeFileSync(join(process.env.STRATA_OUTPUTS, 'result.json'), JSON.stringify(report));
