#!/usr/bin/env node
// One command for a newcomer (`npm run examples:argo`): the Argo examples (examples/argo/,
// or the files given) run on a strata of their own. It starts `strata up` on a free port
// with a temporary STRATA_HOME (so a Redis of its own, apart from any strata already
// running), applies each file with --watch (progress printed as it goes), then stops strata
// and removes the home. Exit code 0 when every run succeeded, 1 otherwise.
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const given = process.argv.slice(2);
const files = given.length > 0 ? given : readdirSync(join(root, 'examples', 'argo')).filter((f) => f.endsWith('.yaml')).sort().map((f) => join('examples', 'argo', f));
const READY_WITHIN_MS = 120_000;

/** A port free on loopback now (the server binds it a moment later). */
const freePort = () => new Promise((resolve, reject) => {
  const s = createServer();
  s.once('error', reject);
  s.listen(0, '127.0.0.1', () => {
    const { port } = s.address();
    s.close(() => resolve(port));
  });
});

const port = await freePort();
const url = `http://127.0.0.1:${port}`;
const home = mkdtempSync(join(tmpdir(), 'strata-examples-'));
const env = { ...process.env, PORT: String(port), STRATA_HOME: home, STRATA_URL: url };
delete env.REDIS_URL; // its own Redis, under the temporary home
const strata = (args, stdio) => spawn(process.execPath, [join(root, 'bin', 'strata.js'), ...args], { cwd: root, env, stdio });
const exited = (child) => new Promise((resolve) => (child.exitCode !== null ? resolve(child.exitCode) : child.once('exit', (code) => resolve(code ?? 1))));

const server = strata(['up'], ['ignore', 'ignore', 'pipe']);
let serverLog = '';
server.stderr.on('data', (d) => { serverLog = (serverLog + d).slice(-4000); });
let stopping;
const stop = () => (stopping ??= (async () => {
  if (server.exitCode === null) server.kill('SIGTERM');
  await exited(server);
  rmSync(home, { recursive: true, force: true });
})());
process.on('SIGINT', () => void stop().then(() => process.exit(130)));

/** Waits for /readyz; false when strata ended or did not get ready in time. */
async function ready() {
  const deadline = Date.now() + READY_WITHIN_MS;
  while (Date.now() < deadline && server.exitCode === null) {
    try {
      if ((await fetch(`${url}/readyz`)).ok) return true;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return false;
}

/** Prints each step's result (what the steps printed, for Argo steps), since strata stops afterwards. */
async function results(id) {
  const run = await (await fetch(`${url}/v1/runs/${id}`)).json();
  process.stdout.write('results:\n');
  for (const [step, s] of Object.entries(run.steps ?? {})) {
    if (s.result !== undefined && s.result !== null && !Array.isArray(s.result)) process.stdout.write(`  ${step}: ${JSON.stringify(s.result)}\n`);
  }
}

let failed = 0;
if (!(await ready())) {
  process.stderr.write(`strata did not start on ${url}:\n${serverLog}\n`);
  failed = 1;
} else {
  process.stdout.write(`strata is up on ${url} (home ${home})\n`);
  for (const file of files) {
    process.stdout.write(`\n== strata apply ${file} --watch\n`);
    const apply = strata(['apply', file, '--watch'], ['ignore', 'pipe', 'inherit']);
    let said = '';
    apply.stdout.on('data', (d) => { said += d; process.stdout.write(d); });
    if ((await exited(apply)) !== 0) failed++;
    for (const [, id] of said.matchAll(/^run (\S+) started/gm)) await results(id);
  }
  process.stdout.write(`\n${files.length - failed} of ${files.length} example files ran to success\n`);
}
await stop();
process.exitCode = failed > 0 ? 1 : 0;
