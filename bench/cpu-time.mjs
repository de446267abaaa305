/**
 * CPU time a benchmark reads, in plain JavaScript so that the small spawning process
 * (spawn-lanes.mjs, run by node without a TypeScript loader) and the TypeScript benchmarks
 * (measure.ts) share it. /proc/self/stat is read by runtime/local/proc-stat.ts, the one
 * reader of its fields, as compiled into dist/ (`npm run bench` builds it first).
 */
let procStat;
try {
  procStat = await import('../dist/runtime/local/proc-stat.js');
} catch (e) {
  throw new Error(`bench/cpu-time.mjs reads /proc through dist/runtime/local/proc-stat.js, which is missing: run npm run build first (${e.message})`);
}
const { readProcStat, TICK_MS } = procStat;

/** CPU time (user + system) of this process and of the children it has reaped, in ms. */
export function cpuMs() {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000 + childrenCpuMs();
}

/** CPU of reaped children (proc(5): cutime + cstime, in clock ticks of TICK_MS); 0 where /proc is missing. */
function childrenCpuMs() {
  const s = readProcStat('self');
  return s ? (s.cutime + s.cstime) * TICK_MS : 0;
}
