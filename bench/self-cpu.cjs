// Preloaded (`node --require`) into a quarterback by quarterback-ab.ts: at its exit, the CPU of this process
// alone (all its threads, none of its children; user + system, ms) and its minor page faults are appended as
// "pid ms faults" to $QB_AB_SELF_LOG. Faults count the pages it wrote that its last fork had shared (copy-on-write),
// which do not move with the machine's load as CPU does.
const { appendFileSync } = require('node:fs');

const log = process.env.QB_AB_SELF_LOG;
if (log) {
  process.on('exit', () => {
    const u = process.cpuUsage();
    appendFileSync(log, `${process.pid} ${(u.user + u.system) / 1000} ${process.resourceUsage().minorPageFault}\n`);
  });
}
