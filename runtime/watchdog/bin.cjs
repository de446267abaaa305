#!/usr/bin/env node
// The watchdog as a program, no build step: `node runtime/watchdog/bin.cjs` (see watchdog.ts).
// Loaded through tsx's in-thread CommonJS hook, like the quarterback (sidecar/bin.cjs): one
// thread, a smaller process, and it lives as long as its worker.
require('tsx/cjs/api').register();
require('./watchdog.ts');
