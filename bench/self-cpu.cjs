// Preloaded (`node --require`) into a quarterback by quarterback-ab.ts: at its exit, the CPU of this process
// alone (all its threads, none of its children; user + system, ms) is appended as "pid ms" to $QB_AB_SELF_LOG.
const { appendFileSync } = require('node:fs');

const log = process.env.QB_AB_SELF_LOG;
if (log) {
  process.on('exit', () => {
    const u = process.cpuUsage();
    appendFileSync(log, `${process.pid} ${(u.user + u.system) / 1000}\n`);
  });
}
