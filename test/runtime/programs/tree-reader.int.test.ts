/**
 * strata/tree-reader, the generate step a tree Dataset without an inline root starts with:
 * a location it cannot read fails the step with one sentence naming the location and why,
 * never a stack trace (tester 15: a missing directory failed the step with "exited with code
 * 1: Node.js v20.20.2" and Node's stack trace as its log). Through the real stack.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useTempDirs } from '../../support/temp-dirs.ts';
import { useRunService } from '../../support/use-run-service.ts';

const svc = useRunService();
const tempDir = useTempDirs('strata-tree-reader-');

const treeAt = (name: string, location: string) => ({ apiVersion: 'strata/v1', kind: 'Dataset', metadata: { name }, spec: { shape: 'tree', location } });

describe('strata/tree-reader', () => {
  it('fails its step naming a location it cannot read, without a stack trace', async () => {
    // A step has a /tmp of its own: a directory under the test's tmp dir is not there for it, as none is here.
    const cases = [{ name: 'missing', location: `file://${join(tempDir(), 'no-such-dir')}`, says: /no such file or directory/ }];
    for (const c of cases) {
      const r = await svc.call('POST', '/v1/datasets?run=true', treeAt(`tree-${c.name}`, c.location));
      expect(r.status, c.name).toBe(202);
      const run = await svc.waitRun(r.body.runId);
      expect(run.status, c.name).toBe('failed');
      const error = run.steps['read-tree']!.error!;
      expect(error, c.name).toContain(`tree-reader: cannot read the tree at ${c.location.slice('file://'.length)}`);
      expect(error, c.name).toMatch(c.says);
      const logs = (await svc.call('GET', `/v1/runs/${run.id}/steps/read-tree/logs`)).text;
      expect(logs, c.name).not.toMatch(/\n\s+at /);
    }
  });
});
