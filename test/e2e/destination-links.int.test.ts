/**
 * strata never writes through a link a step left where strata writes (docs/flow-language.md,
 * Outputs): an output declared at a path is collected into $STRATA_OUTPUTS under its name,
 * and a step that put a link there, to a file or a directory of the host, must not make
 * strata write that host file or into that directory. The container's /tmp is its own
 * (bubblewrap), so the host files below /tmp are out of its reach: only strata, following
 * the link, could write them. Through real runs at both levels (macro: coordinator, BullMQ,
 * a worker; micro: the quarterback).
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LEVELS } from '../support/levels.ts';
import { useRunService } from '../support/use-run-service.ts';

const svc = useRunService();
const host = mkdtempSync(join(tmpdir(), 'strata-victim-'));
afterAll(() => rmSync(host, { recursive: true, force: true }));

describe.each(LEVELS)('a link a step left where strata writes ($name)', (level) => {
  const runStep = async (task: unknown) => {
    const flow = { apiVersion: 'strata/v1', kind: 'Flow', metadata: { name: 'dest-links', version: '1' }, spec: { root: level.wrap({ sequence: [{ id: 'plant', task }] }) } };
    const run = await svc.runToEnd({ flow });
    return { run, step: run.steps[`${level.prefix}plant`] };
  };

  it('a file output collected from a declared path is not written through a link in $STRATA_OUTPUTS', async () => {
    const victim = join(host, `${level.prefix ? 'micro' : 'macro'}-file`);
    writeFileSync(victim, 'host data\n');
    const { run, step } = await runStep({
      image: 'alpine',
      volumes: ['/workspace'],
      command: ['sh', '-c', `echo step-data > /workspace/out.txt && ln -s ${victim} "$STRATA_OUTPUTS/out"`],
      outputs: { artifacts: [{ name: 'out', path: '/workspace/out.txt' }] },
    });
    expect(readFileSync(victim, 'utf8')).toBe('host data\n');
    expect(run.status, JSON.stringify(run.steps)).toBe('failed');
    expect(step.status).toBe('failed');
    expect(step.error).toContain(`output "out" (/workspace/out.txt)`);
    expect(step.error).toContain(`is a symbolic link to "${victim}"`);
    expect(step.error).toContain('strata never writes through a link');
  });

  it('a directory output collected from a declared path is not copied into a host directory through a link', async () => {
    const victim = join(host, `${level.prefix ? 'micro' : 'macro'}-dir`);
    mkdirSync(victim);
    const { run, step } = await runStep({
      image: 'alpine',
      volumes: ['/workspace'],
      command: ['sh', '-c', `mkdir -p /workspace/d && echo step-data > /workspace/d/planted && ln -s ${victim} "$STRATA_OUTPUTS/d"`],
      outputs: { artifacts: [{ name: 'd', path: '/workspace/d' }] },
    });
    expect(readdirSync(victim)).toEqual([]);
    expect(run.status, JSON.stringify(run.steps)).toBe('failed');
    expect(step.error).toContain(`is a symbolic link to "${victim}"`);
    expect(step.error).toContain('strata never writes through a link');
  });
});
