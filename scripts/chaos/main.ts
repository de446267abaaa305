/**
 * `npm run chaos [-- --runs 100 --kills 40 --seed N --workers 3]`: the chaos harness
 * (harness.ts) with its report; exit code 1 when the target is missed.
 */
import { parseArgs } from 'node:util';
import { chaosMet, formatReport, runChaos } from './harness.ts';

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '100' },
    kills: { type: 'string', default: '40' },
    seed: { type: 'string' },
    workers: { type: 'string', default: '3' },
  },
});
const int = (name: string, v: string | undefined) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) {
    process.stderr.write(`chaos: --${name} must be a whole number, not "${v}"\n`);
    process.exit(2);
  }
  return n;
};

const report = await runChaos({
  runs: int('runs', values.runs),
  kills: int('kills', values.kills),
  workers: int('workers', values.workers),
  ...(values.seed !== undefined ? { seed: int('seed', values.seed) } : {}),
  log: (line) => process.stderr.write(`${line}\n`),
});
process.stdout.write(`${formatReport(report)}\n`);
process.exit(chaosMet(report) ? 0 : 1);
