#!/usr/bin/env node
// The process launcher as a program, no build step: `node runtime/process/launcher-bin.cjs`
// (see launcher.ts). Loaded through tsx's in-thread CommonJS hook, like the quarterback
// (sidecar/bin.cjs): one thread and a small heap, because it forks every container.
require('tsx/cjs/api').register();
require('./launcher.ts');
