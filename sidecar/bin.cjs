#!/usr/bin/env node
// The quarterback as a program, no build step: `node sidecar/bin.cjs PLAN.json` (see main.ts).
// It loads the TypeScript sources through tsx's in-thread CommonJS hook rather than its ESM
// hooks, which run in a second thread with its own V8 heap: the quarterback forks every
// container, and fork time grows with the process's memory (about 60 MB here against 90;
// 0.74 s of CPU for a pod of 200 `true` containers against 1.0 s).
require('tsx/cjs/api').register();
require('./main.ts');
