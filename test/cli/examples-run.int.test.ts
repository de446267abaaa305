/**
 * Tester 19: examples/flows were only planned and dry-run (examples.test.ts), and
 * fan-out-fan-in.yaml failed when really run (its join read `.total` of the null a skipped
 * item leaves in the results). Each example is run here as a user runs it, `strata runs
 * submit FILE --watch` against a real service on the local runtime, and must succeed; the
 * flows an example uses are applied first, as a user would.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runStrata } from '../support/processes.ts';
import { cliEnv, useRunService } from '../support/use-run-service.ts';

const DIR = join(import.meta.dirname, '../../examples/flows');
const svc = useRunService();

/** Examples not run here, with why: each must say so. */
const NOT_RUN: Record<string, string> = {
  'cycle-stream.yaml': 'reads a Redis stream (events:clicks) that a user fills; a round with an empty window ends the cycle',
};
/** Flows an example uses, applied before it runs. */
const USES: Record<string, string[]> = { 'use.yaml': ['lib-clean-table.yaml'] };

describe('examples/flows, really run', () => {
  for (const file of readdirSync(DIR).filter((f) => f.endsWith('.yaml')).sort()) {
    if (NOT_RUN[file]) continue;
    it(`${file}: strata runs submit --watch succeeds`, async () => {
      const env = cliEnv(svc);
      for (const lib of USES[file] ?? []) expect((await runStrata(['apply', join(DIR, lib)], env)).code).toBe(0);
      const r = await runStrata(['runs', 'submit', join(DIR, file), '--watch'], env);
      const id = /run (\S+) submitted/.exec(r.stdout)?.[1];
      const run = id ? await svc.waitRun(id, 60_000) : undefined;
      expect({ code: r.code, status: run?.status, error: run?.error ?? undefined }, `${r.stdout}\n${r.stderr}`).toEqual({ code: 0, status: 'succeeded', error: undefined });
    });
  }
});
