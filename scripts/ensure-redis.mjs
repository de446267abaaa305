#!/usr/bin/env node
// Make sure a redis-server binary is on this machine: tests and `strata up` start their own.
// On Debian as root it is installed with apt-get; elsewhere this says what to install.
import { execFileSync, spawnSync } from 'node:child_process';

function has(cmd) {
  return spawnSync('sh', ['-c', 'command -v "$0"', cmd], { stdio: 'ignore' }).status === 0;
}

if (process.env.REDIS_URL || has('redis-server')) process.exit(0);
const root = typeof process.getuid === 'function' && process.getuid() === 0;
if (root && has('apt-get')) {
  process.stderr.write('strata: redis-server is missing; installing it with apt-get\n');
  try {
    execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit' });
    execFileSync('apt-get', ['install', '-y', '-qq', 'redis-server'], { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  } catch {
    process.stderr.write('strata: apt-get could not install redis-server\n');
    process.exit(1);
  }
  if (has('redis-server')) process.exit(0);
}
process.stderr.write('strata: redis-server is not installed. Install it (Debian/Ubuntu: sudo apt-get install redis-server; macOS: brew install redis) or set REDIS_URL.\n');
process.exit(1);
