/**
 * Argo tester 8, S8: a declared path under a missing directory of a system directory
 * (`/etc/myapp/out.txt`, `/usr/myreport/x`) keeps the host's entries of that directory in
 * the container's view (its `/etc/passwd`, `/usr/bin`), at both levels, and leaves nothing on the host.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import type { PodReport, PodRequest } from '../../../runtime/pod-runtime.ts';
import { LocalRuntime } from '../../../runtime/local/local-runtime.ts';
import type { RunTask } from '../../../src/engine/types.ts';
import { podRequestPod, TempDirs } from '../../sidecar/harness.ts';

const dirs = new TempDirs();
afterEach(() => dirs.cleanup());
const runtime = new LocalRuntime({ killGraceMs: 300 });
// Unique names: nothing of them may be left on the host afterwards.
const tag = `strata-s8-${randomUUID().slice(0, 8)}`;
const etcDir = `/etc/${tag}`;
const usrDir = `/usr/${tag}`;
const shareDir = `/usr/share/${tag}`;

const req = (root: string, task: RunTask): PodRequest => {
  const runId = `run-${randomUUID().slice(0, 8)}`;
  for (const d of ['in', 'out']) mkdirSync(join(root, d), { recursive: true });
  return { runId, step: 't', attempt: 1, kind: 'task', task, env: { STRATA_RUN: runId, STRATA_STEP: 't', STRATA_PARAMS: '{}' }, inputsDir: join(root, 'in'), outputsDir: join(root, 'out'), artifactsDir: join(root, 'artifacts') };
};
const stdout = (reports: PodReport[]): string => reports.flatMap((r) => (r.type === 'log' && r.stream === 'stdout' ? [r.chunk] : [])).join('');
const stderr = (reports: PodReport[]): string => reports.flatMap((r) => (r.type === 'log' && r.stream === 'stderr' ? [r.chunk] : [])).join('');

// Reads the host's /etc/passwd, lists /usr/bin (sh itself is there on a merged-/usr host), reads
// its input config when it has one, and writes beside them: /etc/<tag>/out.txt, /usr/<tag>/x.
const script = [
  'set -e',
  'head -n 1 /etc/passwd | cut -d: -f1',
  'ls /usr/bin | grep -qx sh && echo usr-bin-has-sh',
  `[ -f ${etcDir}-conf/config.yaml ] && cat ${etcDir}-conf/config.yaml || true`,
  `echo etc-out > ${etcDir}/out.txt`,
  `echo usr-out > ${usrDir}/x`,
  `pwd`,
].join('\n');

function nothingLeft(): void {
  for (const d of [etcDir, usrDir, shareDir, `${etcDir}-conf`]) expect(existsSync(d), d).toBe(false);
}

describe('a declared path under a missing directory of /etc or /usr (S8)', () => {
  it('macro task: the host\'s /etc and /usr stay seen; input, outputs and working directory there work', async () => {
    const root = await dirs.make();
    const r = req(root, {
      image: 'busybox',
      command: ['sh', '-c', script],
      workingDir: `${shareDir}/wd`,
      inputPaths: [{ name: 'conf', path: `${etcDir}-conf/config.yaml` }],
      artifactPaths: [{ name: 'report', path: `${usrDir}/x` }],
      parameters: { out: { path: `${etcDir}/out.txt`, text: true } },
    });
    writeFileSync(join(root, 'in', 'conf'), 'key: v\n');
    const reports: PodReport[] = [];
    const outcome = await runtime.run(r, (x) => reports.push(x), new AbortController().signal);
    expect(outcome.error, stderr(reports)).toBeUndefined();
    expect(outcome).toMatchObject({ ok: true, parameters: { out: 'etc-out' } });
    expect(stdout(reports).split('\n')).toEqual(['root', 'usr-bin-has-sh', 'key: v', `${shareDir}/wd`, '']);
    expect(readFileSync(join(root, 'out', 'report'), 'utf8')).toBe('usr-out\n');
    nothingLeft();
  });

  it('inside a pod (micro, through the quarterback): the same', async () => {
    const root = await dirs.make();
    const reports: PodReport[] = [];
    const task = {
      image: 'busybox',
      command: ['sh', '-c', script],
      workingDir: `${shareDir}/wd`,
      volumes: [{ path: `${usrDir}` }],
      outputs: { parameters: { out: { path: `${etcDir}/out.txt` } } },
    };
    const pod = await runtime.run({ ...req(root, { image: 'x' }), kind: 'pod', task: undefined, step: 'p', pod: podRequestPod({ task } as never) }, (x) => reports.push(x), new AbortController().signal);
    expect(pod.error, stderr(reports)).toBeUndefined();
    expect(pod.ok).toBe(true);
    expect(stdout(reports).split('\n')).toEqual(['root', 'usr-bin-has-sh', `${shareDir}/wd`, '']);
    nothingLeft();
  });
});
