#!/usr/bin/env node
// The strata command: the JavaScript compiled into dist/ by `npm install` (scripts/build.mjs)
// and bundled into dist/bundle/strata.js, so a call starts without compiling TypeScript and
// without resolving and reading each of some 200 modules. Without the bundle (esbuild missing
// at build time) the compiled modules run; without a build (a checkout where `npm install`
// has not run the build), the sources are loaded through tsx.
import { existsSync } from 'node:fs';

const bundle = new URL('../dist/bundle/strata.js', import.meta.url);
const built = new URL('../dist/src/cli/main.js', import.meta.url);
if (existsSync(bundle)) {
  await import(bundle.href);
} else if (existsSync(built)) {
  await import(built.href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../src/cli/main.ts');
}
