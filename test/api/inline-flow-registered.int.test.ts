/**
 * Tester 18, fault 9: a run of a flow sent whole (`POST /v1/runs { flow }`, `strata runs submit
 * FILE`) whose name@version is registered with other content ran the sent content while the
 * run said `flow: tick@1`, and `strata flows get tick@1` showed other steps. Registered
 * versions are immutable (the same content again is 200, other content 409), so a run naming
 * one runs exactly it: other content is refused, 409 naming the flow and what to do, nothing
 * started. Through real HTTP and a real `strata` process.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { flowDoc, shTask } from '../support/documents.ts';
import { runStrata } from '../support/processes.ts';
import { useTempDirs } from '../support/temp-dirs.ts';
import { cliEnv, useRunService } from '../support/use-run-service.ts';

const svc = useRunService();
const newTempDir = useTempDirs('strata-inline-registered-');
const runCount = async () => ((await svc.call('GET', '/v1/runs?limit=1000')).body.runs as unknown[]).length;
const SAID = 'flow tick@1 is registered with other content; versions are immutable: give this document another metadata.version to run it, or run the registered one (strata runs submit --use tick@1)';

describe('a flow sent whole whose name@version is registered', () => {
  it('with other content is refused, 409 naming it, nothing started; with the same content it runs', async () => {
    const registered = flowDoc({ task: shTask('echo one') }, 'tick', '1');
    expect((await svc.call('POST', '/v1/flows', registered)).status).toBe(201);
    const before = await runCount();

    const other = await svc.call('POST', '/v1/runs', { flow: flowDoc({ task: shTask('echo two') }, 'tick', '1') });
    expect(other.status, other.text).toBe(409);
    expect(other.body.error.code).toBe('conflict');
    expect(other.body.error.message).toContain(SAID);
    expect(await runCount()).toBe(before);

    const same = await svc.runToEnd({ flow: registered });
    expect(same.status).toBe('succeeded');
    expect(same.flow).toBe('tick@1');
    // A flow of a name@version not registered runs as sent (nothing to disagree with).
    expect((await svc.runToEnd({ flow: flowDoc({ task: shTask('echo three') }, 'tick', '2') })).status).toBe('succeeded');
  });

  it('with other content is refused by strata runs submit FILE (exit 5), nothing started', async () => {
    const file = join(newTempDir(), 'tick.json');
    writeFileSync(file, JSON.stringify(flowDoc({ task: shTask('echo four') }, 'tick', '1')));
    const before = await runCount();
    const r = await runStrata(['runs', 'submit', file], cliEnv(svc));
    expect(r.code, r.stderr).toBe(5);
    expect(r.stderr).toContain(SAID);
    expect(await runCount()).toBe(before);
  });
});
