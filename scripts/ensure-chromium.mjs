#!/usr/bin/env node
// Make sure a Chromium is on this machine for the browser tests, screenshots and benchmarks
// (puppeteer-core drives it; it downloads no browser of its own). On Debian as root it is
// installed with apt-get (the `chromium` package); elsewhere this says what to install.
// STRATA_CHROMIUM names another binary.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const wanted = process.env.STRATA_CHROMIUM || '/usr/bin/chromium';
if (existsSync(wanted)) process.exit(0);
const has = (cmd) => spawnSync('sh', ['-c', 'command -v "$0"', cmd], { stdio: 'ignore' }).status === 0;
const root = typeof process.getuid === 'function' && process.getuid() === 0;
if (!process.env.STRATA_CHROMIUM && root && has('apt-get')) {
  process.stderr.write('strata: chromium is missing; installing it with apt-get (for the browser tests)\n');
  try {
    execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit' });
    execFileSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', 'chromium', 'fonts-dejavu-core'], { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  } catch {
    process.stderr.write('strata: apt-get could not install chromium\n');
    process.exit(1);
  }
  if (existsSync(wanted)) process.exit(0);
}
process.stderr.write(`strata: no Chromium at ${wanted}. Install it (Debian/Ubuntu: sudo apt-get install chromium) or set STRATA_CHROMIUM to a Chromium binary.\n`);
process.exit(1);
