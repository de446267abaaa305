/**
 * Argo tester 8, S13: a step's log keeps its last STRATA_MAX_LOG_BYTES (configurable), and
 * the line that opens a cut log says how many bytes were cut; through the real stack
 * (HTTP, Redis, BullMQ, a real process) and `strata logs`.
 */
import { describe, expect, it } from 'vitest';
import { runStrata } from '../support/processes.ts';
import { useRunService } from '../support/use-run-service.ts';

const svc = useRunService({ STRATA_MAX_LOG_BYTES: '65536' });

describe('a step\'s log past STRATA_MAX_LOG_BYTES (S13)', { timeout: 120_000 }, () => {
  it('keeps its last bytes, saying how many were cut', async () => {
    // 30,000 lines `1`..`30000` and a last line: 168,894 bytes, more than 64 KiB.
    const flow = { apiVersion: 'strata/v1', kind: 'Flow', metadata: { name: 'log-cap', version: '1' }, spec: { root: { id: 'loud', task: { image: 'alpine', command: ['sh', '-c', 'seq 1 30000; echo LAST-LINE'] } } } };
    const run = await svc.runToEnd({ flow });
    expect(run.status, JSON.stringify(run.steps)).toBe('succeeded');
    const logs = await runStrata(['logs', run.id, 'loud'], { STRATA_URL: svc.url });
    expect(logs.code, logs.stderr).toBe(0);
    const written = Array.from({ length: 30000 }, (_, i) => `${i + 1}\n`).join('') + 'LAST-LINE\n';
    const [, cut, kept] = /^\[earlier output cut: (\d+) bytes\]\n(.*)$/s.exec(logs.stdout)!;
    expect(Number(cut) + Buffer.byteLength(kept)).toBe(Buffer.byteLength(written));
    expect(written.endsWith(kept)).toBe(true);
    expect(Buffer.byteLength(logs.stdout)).toBeLessThanOrEqual(65536);
  });

});
