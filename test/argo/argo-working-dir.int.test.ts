/**
 * A container's `workingDir` that the host lacks (Argo tester 6, Q21): Kubernetes creates it
 * (runc "create cwd if it doesn't exist"), so the container starts in an empty directory of
 * its own. On the local runtime it is made inside the container's private view, never on
 * the host. Through the real stack: the Workflow sent as it is to `POST /v1/runs`, run on
 * the local runtime (parallel steps, and a containerSet's containers inside one pod).
 */
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { useRunService } from '../support/use-run-service.ts';
import { argoFixtures } from '../support/documents.ts';

const svc = useRunService();
const { read } = argoFixtures('tester-6');

describe('a workingDir the host lacks (Q21)', { timeout: 120_000 }, () => {
  it('each container starts in an empty one of its own, and the host is left as it was', async () => {
    const hostHad = existsSync('/workspace');
    const r = await svc.runToEnd(read('working-dir.yaml'));
    expect(r.status, JSON.stringify(r.steps)).toBe('succeeded');
    const result = (id: string) => r.steps[id]?.result;
    expect([result('a'), result('b'), result('top'), result('set/first'), result('set/main')]).toEqual([
      '/workspace/src []\na',
      '/workspace/src []\nb',
      '/workspace []\ntop',
      '/workspace/src []\nfirst',
      '/workspace/src []\nmain',
    ]);
    expect(existsSync('/workspace')).toBe(hostHad);
  });
});
