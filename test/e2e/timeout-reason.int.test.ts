/**
 * A timeout is what the runtime that stopped a step says it is (`reason: 'timeout'` on the
 * step's failure, src/engine/timeout-error.ts), never what its error's words say: through
 * real runs at both levels (macro: coordinator, BullMQ, a worker, the local runtime's
 * processes; inside a pod: the quarterback and its containers), and a pod's own outcome
 * as its macro step sees it.
 */
import { describe, expect, it } from 'vitest';
import type { RunView } from '../../src/run/run-view.ts';
import { flowDoc } from '../support/documents.ts';
import { LEVELS } from '../support/levels.ts';
import { useRunService } from '../support/use-run-service.ts';

const svc = useRunService({ STRATA_WORKER_CONCURRENCY: '4' });

const run = (root: unknown): Promise<RunView> => svc.runToEnd({ flow: flowDoc(root, 'timeouts') }, { timeoutMs: 60_000 });

const sh = (script: string, extra: Record<string, unknown> = {}) => ({ task: { image: 'alpine', command: ['sh', '-c', script] }, ...extra });
/**
 * A program whose own last words are "timed out after 3" and that then dies by a signal:
 * a failure without an exit code and not at a timeout the runtime enforced, so it errored,
 * whatever its words (a log older than reasons judged it by them: a timeout, so failed).
 * A container runs under bubblewrap, which reports a signal death of its program as exit
 * 128+N, so the program kills bubblewrap itself (its parent there; checked by name) and
 * then itself.
 */
const LIAR = 'echo "timed out after 3" >&2; if [ "$(cat /proc/$PPID/comm 2>/dev/null)" = bwrap ]; then kill -KILL $PPID; fi; kill -KILL $$$$';
const after = { id: 'after', ...sh('echo \'"went on"\' > "$STRATA_OUTPUTS/result.json"') };

describe.each(LEVELS)('a timeout by its reason, not its words ($name)', (level) => {
  it('a program that prints "timed out after 3" and dies by a signal errored: continueOn.failed does not cover it, continueOn.error does', async () => {
    const r = await run(level.wrap({ sequence: [{ id: 'liar', ...sh(LIAR), continueOn: { failed: true } }, after] }));
    expect(r.steps[`${level.prefix}liar`]).toMatchObject({ status: 'failed', error: 'killed by SIGKILL: timed out after 3' });
    expect(r.steps[`${level.prefix}liar`].exitCode ?? null).toBeNull();
    expect(r.steps[`${level.prefix}after`]).toMatchObject({ status: 'skipped', startedAt: null });
    expect(r.status).toBe('failed');
    const onError = await run(level.wrap({ sequence: [{ id: 'liar', ...sh(LIAR), continueOn: { error: true } }, after] }));
    expect(onError.steps[`${level.prefix}after`]).toMatchObject({ status: 'succeeded', result: 'went on' });
    expect(onError.status, onError.error ?? '').toBe('succeeded');
  });

  it('a program that prints "timed out after 3" and exits with a code failed by its code: continueOn.failed covers it, continueOn.error does not', async () => {
    const words = { id: 'words', ...sh('echo "timed out after 3" >&2; exit 7') };
    const r = await run(level.wrap({ sequence: [{ ...words, continueOn: { failed: true } }, after] }));
    expect(r.steps[`${level.prefix}words`]).toMatchObject({ status: 'failed', exitCode: 7 });
    expect(r.steps[`${level.prefix}words`].error).toContain('timed out after 3');
    expect(r.steps[`${level.prefix}after`]).toMatchObject({ status: 'succeeded', result: 'went on' });
    expect(r.status, r.error ?? '').toBe('succeeded');
    const onError = await run(level.wrap({ sequence: [{ ...words, continueOn: { error: true } }, after] }));
    expect(onError.steps[`${level.prefix}words`]).toMatchObject({ status: 'failed', exitCode: 7 });
    expect(onError.steps[`${level.prefix}after`]).toMatchObject({ status: 'skipped', startedAt: null });
    expect(onError.status).toBe('failed');
  });

  it('a step stopped at its timeout failed: continueOn.failed covers it (Argo: past its deadline is Failed), continueOn.error does not', async () => {
    const r = await run(level.wrap({ sequence: [{ id: 'slow', ...sh('sleep 30'), timeout: 1, continueOn: { failed: true } }, after] }));
    expect(r.steps[`${level.prefix}slow`]).toMatchObject({ status: 'failed', error: 'timed out after 1s' });
    expect(r.steps[`${level.prefix}after`]).toMatchObject({ status: 'succeeded', result: 'went on' });
    expect(r.status, r.error ?? '').toBe('succeeded');
    const onError = await run(level.wrap({ sequence: [{ id: 'slow', ...sh('sleep 30'), timeout: 1, continueOn: { error: true } }, after] }));
    expect(onError.status).toBe('failed');
  });
});

describe('a pod as its macro step sees it', () => {
  it('a pod failed by a container stopped at its timeout failed: the macro continueOn.failed covers it', async () => {
    const r = await run({ sequence: [{ id: 'p', pod: { flow: { id: 'slow', ...sh('sleep 30'), timeout: 1 } }, continueOn: { failed: true } }, after] });
    expect(r.steps['p/slow']).toMatchObject({ status: 'failed', error: 'timed out after 1s' });
    expect(r.steps.p.status).toBe('failed');
    expect(r.steps.after.status).toBe('succeeded');
    expect(r.status, r.error ?? '').toBe('succeeded');
  });

  it('a pod failed by its micro plan\'s deadline (its root, or a composite inside) failed too', async () => {
    const r = await run({ sequence: [{ id: 'p', pod: { flow: { timeout: 1, sequence: [{ id: 'slow', ...sh('sleep 30') }] } }, continueOn: { failed: true } }, after] });
    expect(r.steps.p).toMatchObject({ status: 'failed', error: 'step p timed out after 1s' });
    expect(r.steps['p/slow']).toMatchObject({ status: 'cancelled', error: 'stopped: step p timed out after 1s' });
    expect(r.steps.after.status).toBe('succeeded');
    expect(r.status, r.error ?? '').toBe('succeeded');
    const inner = await run({ sequence: [{ id: 'p', pod: { flow: { sequence: [{ id: 'group', timeout: 1, sequence: [{ id: 'slow', ...sh('sleep 30') }] }] } }, continueOn: { failed: true } }, after] });
    expect(inner.steps['p/group'], JSON.stringify(inner.steps)).toMatchObject({ status: 'failed', error: 'step p/group timed out after 1s' });
    expect(inner.steps.after.status).toBe('succeeded');
    expect(inner.status, inner.error ?? '').toBe('succeeded');
  });

  it('a pod failed by a container that only says "timed out after 3" and dies by a signal errored: the macro continueOn.failed does not cover it, continueOn.error does', async () => {
    const r = await run({ sequence: [{ id: 'p', pod: { flow: { id: 'liar', ...sh(LIAR) } }, continueOn: { failed: true } }, after] });
    expect(r.steps.p).toMatchObject({ status: 'failed', error: 'step p/liar failed: killed by SIGKILL: timed out after 3' });
    expect(r.status).toBe('failed');
    const onError = await run({ sequence: [{ id: 'p', pod: { flow: { id: 'liar', ...sh(LIAR) } }, continueOn: { error: true } }, after] });
    expect(onError.steps.after.status).toBe('succeeded');
    expect(onError.status, onError.error ?? '').toBe('succeeded');
  });
});
