#!/usr/bin/env node
// The strata command: the JavaScript compiled into dist/ by `npm install` (scripts/build.mjs),
// so a call starts without compiling TypeScript. Without a build (a checkout where
// `npm install` has not run the build), the sources are loaded through tsx.
import { existsSync } from 'node:fs';

const built = new URL('../dist/src/cli/main.js', import.meta.url);
if (existsSync(built)) {
  await import(built.href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../src/cli/main.ts');
}
