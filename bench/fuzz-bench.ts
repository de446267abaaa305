/**
 * The API fuzzed (test/api/fuzz.int.test.ts's generated bad requests: alias bombs, heavy
 * json-logic, over-deep and over-large bodies, on every route of the OpenAPI document) sent
 * one after another to a real `strata serve` (no worker), a /healthz asked every 100 ms
 * meanwhile: the longest wait for its answer (a request that held the main thread shows
 * there), answers other than 200, and the service's CPU. The test asserts the answers; the
 * wait is a figure, here. FUZZ_RUNS requests (1,000 by default), seed FUZZ_SEED.
 */
import { request } from 'node:http';
import fc from 'fast-check';
import { badRequests, type FuzzRequest } from '../test/api/support/fuzz-requests.ts';
import { healthDuring } from './big-run-bench.ts';
import { cpuMs, startStrata } from './strata-process.ts';

interface Figure {
  name: string;
  value: number;
  unit: string;
}

const MAX_BODY = 1024 * 1024;

/** One request on a connection of its own; its status (0: no answer). */
function send(url: URL, r: FuzzRequest): Promise<number> {
  const body = r.body !== undefined && !['GET', 'HEAD'].includes(r.method) ? r.body : undefined;
  return new Promise((resolve) => {
    const req = request({ host: url.hostname, port: url.port, method: r.method, path: r.path, agent: false, headers: { ...r.headers, ...(body !== undefined ? { 'content-length': String(Buffer.byteLength(body)) } : {}) } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
      res.on('error', () => resolve(0));
    });
    // The server may answer and close before it has read a body it refuses.
    req.on('error', () => resolve(0));
    if (body !== undefined) req.write(body);
    req.end();
  });
}

export async function fuzzBench(runs = Number(process.env.FUZZ_RUNS ?? 1000), seed = Number(process.env.FUZZ_SEED ?? 20261129)): Promise<Figure[]> {
  const serve = await startStrata('serve', 'fuzz', { STRATA_MAX_BODY_BYTES: String(MAX_BODY) });
  const { url } = serve;
  const figures: Figure[] = [];
  const add = (name: string, value: number, unit: string) => figures.push({ name, value, unit });
  try {
    const openapi = (await (await fetch(`${url}/openapi.json`)).json()) as { paths: Record<string, Record<string, unknown>> };
    const paths = Object.entries(openapi.paths).flatMap(([p, ops]) => Object.keys(ops).filter((m) => ['get', 'post', 'put', 'patch', 'delete'].includes(m)).map((m) => [m, p] as [string, string]));
    const requests = fc.sample(badRequests({ paths, realRun: 'r-none', maxBodyBytes: MAX_BODY }), { numRuns: runs, seed });
    const target = new URL(url);
    const cpu = cpuMs(serve.pid);
    const fuzz = await healthDuring(url, (async () => {
      let errors = 0;
      for (const r of requests) if ((await send(target, r)) >= 500) errors++;
      return errors;
    })());
    add('requests sent, one after another', requests.length, '');
    add('answers 5xx', fuzz.result, '');
    add('service CPU', cpuMs(serve.pid) - cpu, 'ms');
    add('longest /healthz wait meanwhile', fuzz.longestMs, 'ms');
    add('/healthz answers other than 200', fuzz.refused, '');
  } finally {
    await serve.stop();
  }
  return figures;
}

if (import.meta.url === `file://${process.argv[1]}`) for (const f of await fuzzBench()) console.log(`${f.name.padEnd(60)} ${f.value} ${f.unit}`);
