/**
 * Issue 10: how long a `strata` call takes from spawn to exit, against `node -e 1` (the
 * floor of any Node program) and the same CLI loaded from its TypeScript sources through
 * tsx (as it was before it shipped compiled). `runs list` asks a real strata service
 * (its own redis-server) for a page of runs. Median of 10 calls each, measured side by side.
 */
import { spawn, spawnSync } from 'node:child_process';
import { loadConfig } from '../src/app/config.ts';
import { startRunParts } from '../src/app/run-parts.ts';
import { startService } from '../src/app/service.ts';
import { startRedisServer } from '../src/store/redis-server.ts';
import { printFigures } from './measure.ts';

export interface Figure {
  name: string;
  value: number;
  unit: string;
}

/** Median ms from spawn to exit; asynchronous, so that the service in this process answers meanwhile. */
async function median(argv: string[], env: Record<string, string> = {}, n = 10): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    const child = spawn(process.execPath, argv, { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr!.on('data', (d) => (err += d));
    const code = await new Promise<number | null>((r) => child.on('close', r));
    if (code !== 0) throw new Error(`${argv.join(' ')} exited ${code}: ${err}`);
    times.push(performance.now() - t);
  }
  return times.sort((a, b) => a - b)[Math.floor(n / 2)];
}

export async function cliBench(): Promise<Figure[]> {
  spawnSync(process.execPath, ['scripts/build.mjs'], { stdio: 'inherit' });
  const redis = await startRedisServer();
  const config = loadConfig({ PORT: '0', REDIS_URL: redis.url, STRATA_PREFIX: 'clibench', STRATA_HOME: '/tmp/strata-clibench' });
  const svc = await startService(config, () => {}, { runs: async (h, defs, builtinRules) => {
    const parts = await startRunParts(config, h, defs, { coordinator: true, worker: false, builtinRules });
    return { port: parts.port!, close: () => parts.close() };
  } });
  try {
    const env = { STRATA_URL: svc.url };
    const floor = await median(['-e', '1']);
    const version = await median(['bin/strata.js', '--version']);
    const list = await median(['bin/strata.js', 'runs', 'list'], env);
    const fromSource = await median(['--import', 'tsx', 'src/cli/main.ts', 'runs', 'list'], env, 5);
    return [
      { name: '`node -e 1`', value: floor, unit: 'ms' },
      { name: '`strata --version` (compiled)', value: version, unit: 'ms' },
      { name: '`strata runs list` against a running strata (compiled)', value: list, unit: 'ms' },
      { name: 'the same from the TypeScript sources through tsx', value: fromSource, unit: 'ms' },
      { name: 'ratio runs list compiled / node -e 1', value: list / floor, unit: '' },
    ];
  } finally {
    await svc.close();
    await redis.stop();
  }
}

// `npx tsx bench/cli-bench.ts` (after `npm run build`: it measures bin/strata.js), as bench/README.md says each file runs.
if (import.meta.url === `file://${process.argv[1]}`) {
  printFigures(await cliBench());
}
