#!/usr/bin/env node
// Make sure bubblewrap (bwrap) is on this machine: on the local runtime a task that declares
// paths of its own (volumes, inputs and outputs at a path) runs inside a mount namespace it
// makes. On Debian as root it is installed with apt-get; elsewhere this says what to install
// and goes on (such tasks then fail with the reason; every other task runs as before).
import { execFileSync, spawnSync } from 'node:child_process';

function has(cmd) {
  return spawnSync('sh', ['-c', 'command -v "$0"', cmd], { stdio: 'ignore' }).status === 0;
}

if (has('bwrap')) process.exit(0);
const root = typeof process.getuid === 'function' && process.getuid() === 0;
if (root && has('apt-get')) {
  process.stderr.write('strata: bubblewrap (bwrap) is missing; installing it with apt-get\n');
  try {
    execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit' });
    execFileSync('apt-get', ['install', '-y', '-qq', 'bubblewrap'], { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  } catch {
    process.stderr.write('strata: apt-get could not install bubblewrap\n');
  }
  if (has('bwrap')) process.exit(0);
}
process.stderr.write('strata: bubblewrap (bwrap) is not installed: tasks that declare volumes or paths will fail on the local runtime, saying so. Install it (Debian/Ubuntu: sudo apt-get install bubblewrap).\n');
