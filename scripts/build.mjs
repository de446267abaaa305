#!/usr/bin/env node
// Compile strata to JavaScript once (dist/), so `strata` starts without compiling
// TypeScript at each call. Run by `npm run build`, and with `--if-stale` (skipped when dist/ is
// newer than its sources) by `npm install` and `npx strata` (prepare), `npm start` and the test
// suite's set-up: a build a running strata did not start from makes it refuse its work until it
// is restarted (runtime/built-copy.ts), so none is made where nothing changed.
// Files that are not TypeScript but are read beside the code are copied to the same
// place under dist/: the Lua scripts, the built-in rules, the built-in programs.
// Then the command line is bundled by esbuild into dist/bundle/ (bin/strata.js runs it): one
// file a command instead of some 200 modules, each resolved, read and compiled apart (see
// bundleCli below, and docs/performance.md "The CLI's start"); so are the quarterback, which
// each pod starts (dist/bundle/quarterback.js, run by dist/sidecar/bin.cjs), and the API's
// CPU-pool thread (dist/bundle/cpu-worker.js, src/api/cpu/cpu-pool.ts).
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildLauncher } from './build-launcher.mjs';
import { distFresh } from './dist-fresh.cjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');
// typescript exports no subpaths: its bin is found beside the package in node_modules.
const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
// `--if-stale` (prepare, npm start, the test suite's set-up): nothing to do when
// dist/BUILT is newer than every input (files and directories, so a removed file counts).
const built = join(dist, 'BUILT');
if (process.argv.includes('--if-stale') && distFresh(root)) {
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
// The watchdog as a program, the same way (see runtime/watchdog/bin.cjs).
mkdirSync(join(dist, 'runtime', 'watchdog'), { recursive: true });
writeFileSync(join(dist, 'runtime', 'watchdog', 'bin.cjs'), "#!/usr/bin/env node\n// The compiled watchdog (written by scripts/build.mjs).\nimport('./watchdog.js');\n");
// The process launcher too (see runtime/process/launcher-bin.cjs).
writeFileSync(join(dist, 'runtime', 'process', 'launcher-bin.cjs'), "#!/usr/bin/env node\n// The compiled process launcher (written by scripts/build.mjs).\nimport('./launcher.js');\n");
// And the launcher in C, when a C compiler is there (scripts/build-launcher.mjs; without one, the one above).
buildLauncher(join(dist, 'runtime', 'process', 'strata-launcher'));
await bundleCli();
// The quarterback as a program: its bundle (bundleCli), else the compiled main; no loader
// thread either way (see sidecar/bin.cjs).
mkdirSync(join(dist, 'sidecar'), { recursive: true });
const quarterback = existsSync(join(dist, 'bundle', 'quarterback.js')) ? '../bundle/quarterback.js' : './main.js';
writeFileSync(join(dist, 'sidecar', 'bin.cjs'), `#!/usr/bin/env node\n// The compiled quarterback (written by scripts/build.mjs).\nimport('${quarterback}');\n`);
writeFileSync(built, `${new Date().toISOString()}\n`);

/**
 * dist/bundle/strata.js (and its chunks, one per command's lazy import): dist/src/cli/main.js
 * bundled by esbuild. Packages of plain JavaScript are bundled in (BUNDLED); the others stay
 * imports from node_modules, being the ones that read files beside themselves or start
 * threads (bullmq's Lua, pino, piscina, ioredis) or are big and only for the server. A
 * module of dist/ that reads files beside itself through `import.meta.url` (the Lua
 * scripts, the rules, the programs, the UI, the worker thread's and the launcher's entry
 * files) is given its own place back: `import.meta.url` there becomes the URL of its file
 * in dist/, so each relative path resolves as it does unbundled.
 */
async function bundleCli() {
  const BUNDLED = new Set(['commander', 'croner', 'eventsource-parser', 'fastest-levenshtein', 'graphology', 'graphology-dag', 'graphology-traversal', 'hono', 'jsep', 'json-logic-js', 'jsonpath-plus', 'lossless-json', 'yaml', 'zod']);
  const outdir = join(dist, 'bundle');
  // Emptied first: chunks are named by their hash, so an earlier build's would stay beside the
  // new ones, and a bundle left from a build with esbuild would run after one without.
  rmSync(outdir, { recursive: true, force: true });
  const packageOf = (s) => s.split('/').slice(0, s.startsWith('@') ? 2 : 1).join('/');
  // `bundled`: whether a package is bundled in (BUNDLED, or every one for the Kubernetes quarterback).
  const placesOf = (bundled) => ({
    name: 'strata-places',
    setup(b) {
      b.onResolve({ filter: /^[^./]/ }, (a) => {
        if (a.path.startsWith('node:') || !bundled(packageOf(a.path))) return { path: a.path, external: true };
        // Split off by import(), a CommonJS package (yaml, commander) keeps only its default
        // export: `const { stringify } = await import('yaml')` would get undefined. Refused here.
        if (a.kind === 'dynamic-import') return { errors: [{ text: `${a.importer}: import('${a.path}') of a bundled package; import it statically in a module of its own and import() that module (as src/cli/yaml-output.ts)` }] };
        return undefined;
      });
      b.onLoad({ filter: /\.js$/ }, (a) => {
        if (!a.path.startsWith(dist + sep)) return undefined;
        const text = readFileSync(a.path, 'utf8');
        if (!text.includes('import.meta.url')) return undefined;
        const own = relative(outdir, a.path).split(sep).join('/');
        return { contents: text.replaceAll('import.meta.url', `new URL(${JSON.stringify(own)}, import.meta.url).href`), loader: 'js' };
      });
    },
  });
  const places = placesOf((p) => BUNDLED.has(p));
  let esbuild;
  try {
    esbuild = await import('esbuild');
  } catch {
    process.stderr.write('strata: esbuild is not installed; the command line runs unbundled (dist/src/cli/main.js)\n');
    return;
  }
  // A bundled CommonJS package (commander, yaml) requires Node's modules: ESM has no `require`.
  const banner = { js: "import { createRequire as __strataCreateRequire } from 'node:module';\nconst require = __strataCreateRequire(import.meta.url);" };
  try {
    await esbuild.build({
      entryPoints: { strata: join(dist, 'src', 'cli', 'main.js') },
      outdir,
      bundle: true,
      splitting: true,
      format: 'esm',
      platform: 'node',
      target: 'node20',
      chunkNames: '[name]-[hash]',
      plugins: [places],
      logLevel: 'warning',
      banner,
    });
    // The quarterback and the API's CPU-pool thread, each one file of its own (no chunk shared
    // with the command line or each other): each pod on the local runtime starts a
    // quarterback, whose 87 modules took 0.27 s of CPU to load against 0.15 s bundled; each
    // service starts a CPU-pool thread (src/api/cpu/cpu-pool.ts), 0.61 s against 0.39 s
    // (`node -e "import(...)"`, bare node 0.10 s; docs/performance.md).
    await esbuild.build({
      entryPoints: { quarterback: join(dist, 'sidecar', 'main.js'), 'cpu-worker': join(dist, 'src', 'api', 'cpu', 'cpu-worker.js') },
      outdir,
      bundle: true,
      format: 'esm',
      platform: 'node',
      target: 'node20',
      plugins: [places],
      logLevel: 'warning',
      banner,
    });
    // The quarterback of a Kubernetes pod, with every package in it: it loaded the
    // Kubernetes client's some 1,000 modules apart at each pod's start, 1.2 s of CPU against
    // 0.4 s bundled (docs/performance.md); run from dist/bundle/kube-quarterback.js by the
    // test suite's stand-in cluster and by the image (deploy/docker/quarterback.Dockerfile).
    await esbuild.build({
      entryPoints: { 'kube-quarterback': join(dist, 'sidecar', 'entrypoint', 'kube-main.js') },
      outdir,
      bundle: true,
      format: 'esm',
      platform: 'node',
      target: 'node20',
      plugins: [placesOf(() => true)],
      logLevel: 'warning',
      banner,
    });
  } catch {
    process.stderr.write('strata: the build failed (esbuild, bundling dist/src/cli/main.js, dist/sidecar/main.js, dist/src/api/cpu/cpu-worker.js and dist/sidecar/entrypoint/kube-main.js)\n');
    process.exit(1);
  }
}
