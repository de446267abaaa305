// Whether dist/ (scripts/build.mjs) is built and newer than every file it is built from:
// build.mjs --if-stale skips the build then, and a helper program started from the
// TypeScript sources runs its compiled copy instead (runtime/built-copy.ts).
'use strict';
const { readdirSync, statSync } = require('node:fs');
const { join } = require('node:path');

/**
 * What dist/ is built from, relative to the checkout's root (files and directories);
 * package-lock.json for the packages the bundles hold (an `npm install` that changed them
 * builds again: its prepare runs build.mjs --if-stale).
 */
const DIST_INPUTS = ['src', 'generators', 'runtime', 'sidecar', 'rules', 'scripts/build.mjs', 'scripts/build-launcher.mjs', 'tsconfig.json', 'tsconfig.build.json', 'package.json', 'package-lock.json'];

/** Whether `path` or, for a directory, anything in it was modified at or after `since` (ms; a directory's own time counts, so a removed file does). */
function changedSince(path, since) {
  const st = statSync(path);
  if (st.mtimeMs >= since) return true;
  return st.isDirectory() && readdirSync(path).some((name) => changedSince(join(path, name), since));
}

/** True when `root`/dist/BUILT exists and is newer than every input of the build. */
function distFresh(root) {
  const built = statSync(join(root, 'dist', 'BUILT'), { throwIfNoEntry: false });
  return built !== undefined && !DIST_INPUTS.some((i) => changedSince(join(root, i), built.mtimeMs));
}

module.exports = { DIST_INPUTS, distFresh };
