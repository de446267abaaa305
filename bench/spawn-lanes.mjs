/**
 * The bare side of the real-step comparisons, run as a small process of its own
 * (bare-spawns.ts starts it): `n` spawns of `argv`, `c` at a time, each after the one before it
 * in its lane exited. strata starts containers from small processes (each worker's launcher,
 * the quarterback), and a fork costs more the more memory its parent maps: spawned from the
 * benchmark's own process, whose heap grows over a whole `npm run bench`, the bare side slowed
 * as the run went on. Argument: one JSON {n, c, argv}. Prints one JSON line: {ms, cpuMs}, the
 * wall time of the lanes and the CPU (user + system) of this process and its reaped children
 * meanwhile, in ms.
 */
import { spawn } from 'node:child_process';
import { cpuMs } from './cpu-time.mjs';

const { n, c, argv } = JSON.parse(process.argv[2]);

const cpu0 = cpuMs();
const t0 = performance.now();
let next = 0;
const lane = async () => {
  while (next < n) {
    next++;
    await new Promise((resolve, reject) => {
      const child = spawn(argv[0], argv.slice(1), { stdio: 'ignore' });
      child.once('error', reject);
      child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${argv.join(' ')} exited with code ${code}`))));
    });
  }
};
await Promise.all(Array.from({ length: c }, lane));
const ms = performance.now() - t0;
process.stdout.write(`${JSON.stringify({ ms, cpuMs: cpuMs() - cpu0 })}\n`);
