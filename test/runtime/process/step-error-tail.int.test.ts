/**
 * Tester 19: a failed step's error was the last line its program wrote to stderr, which for a
 * Node.js crash is `Node.js v20.20.2` (`exited with code 1: Node.js v20.20.2`): nothing of
 * why. Now it is the line that names the error (`TypeError: ...`), with the last line after it
 * when they differ; at both levels on the local runtime (a task; a container, whose
 * quarterback says how it ended). The kubernetes runtime's twin: kube-step-error-tail.int.
 */
import { describe, expect, it } from 'vitest';
import { LEVELS } from '../../support/levels.ts';
import { runAtLevel } from '../../support/level-runs.ts';
import { CRASH_ERROR, crashRoot } from '../../support/crash-flow.ts';
import { useRunService } from '../../support/use-run-service.ts';

const svc = useRunService();

describe('a crashed step\'s error on the local runtime', () => {
  it.each(LEVELS)('$name: names the error line, not only the last line', async (level) => {
    const { run, steps } = await runAtLevel(svc, level, crashRoot);
    expect(run.status).toBe('failed');
    expect(steps.crash.error).toMatch(CRASH_ERROR);
    expect(steps.crash.error).toContain('Node.js v');
  });
});
