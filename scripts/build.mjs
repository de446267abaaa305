#!/usr/bin/env node
// Compile strata to JavaScript once (dist/), so `strata` starts without compiling
// TypeScript at each call. Run by `npm install` (prepare), `npm run build`, and by the
// test suite's set-up with `--if-stale` (skipped when dist/ is newer than its sources).
// Files that are not TypeScript but are read beside the code are copied to the same
// place under dist/: the Lua scripts, the built-in rules, the built-in programs.
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');
// typescript exports no subpaths: its bin is found beside the package in node_modules.
const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
// `--if-stale` (the test suite's set-up, after `npm install` built): nothing to do when
// dist/BUILT is newer than every input (files and directories, so a removed file counts).
const inputs = ['src', 'generators', 'runtime', 'sidecar', 'rules', 'scripts/build.mjs', 'tsconfig.json', 'tsconfig.build.json', 'package.json'];
const newest = (path) => {
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs;
  return Math.max(st.mtimeMs, ...readdirSync(path).map((name) => newest(join(path, name))));
};
const built = join(dist, 'BUILT');
if (process.argv.includes('--if-stale') && existsSync(built) && statSync(built).mtimeMs > Math.max(...inputs.map((i) => newest(join(root, i))))) {
  process.stdout.write('strata: dist/ is up to date (newer than its sources)\n');
  process.exit(0);
}
rmSync(dist, { recursive: true, force: true });
try {
  execFileSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json')], { stdio: 'inherit' });
} catch {
  process.stderr.write('strata: the build failed (tsc -p tsconfig.build.json)\n');
  process.exit(1);
}
const copy = (from, to = from) => cpSync(join(root, from), join(dist, to), { recursive: true, filter: (s) => !s.endsWith('.ts') });
copy('src/store/lua');
copy('rules');
copy('runtime/programs');
// The quarterback as a program: the compiled main, no loader thread (see sidecar/bin.cjs).
mkdirSync(join(dist, 'sidecar'), { recursive: true });
writeFileSync(join(dist, 'sidecar', 'bin.cjs'), "#!/usr/bin/env node\n// The compiled quarterback (written by scripts/build.mjs).\nimport('./main.js');\n");
// The watchdog as a program, the same way (see runtime/watchdog/bin.cjs).
mkdirSync(join(dist, 'runtime', 'watchdog'), { recursive: true });
writeFileSync(join(dist, 'runtime', 'watchdog', 'bin.cjs'), "#!/usr/bin/env node\n// The compiled watchdog (written by scripts/build.mjs).\nimport('./watchdog.js');\n");
// The process launcher too (see runtime/process/launcher-bin.cjs).
writeFileSync(join(dist, 'runtime', 'process', 'launcher-bin.cjs'), "#!/usr/bin/env node\n// The compiled process launcher (written by scripts/build.mjs).\nimport('./launcher.js');\n");
writeFileSync(built, `${new Date().toISOString()}\n`);
