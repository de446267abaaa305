import { defineConfig } from 'vitest/config';

/**
 * Test files that measure how strata behaves when a process is slow, killed or starved (lock
 * take-over, Redis silence, a big run's event loop, the Kubernetes stand-in end to end): they
 * run after the others, one at a time, so that the parallel files' load does not decide them;
 * one after another in one worker that keeps its module graph (isolate off, as the parallel
 * files), not each in a new process that loads it again.
 */
const alone = [
  'test/worker/takeover.int.test.ts',
  'test/runtime/kubernetes/kube-e2e.int.test.ts',
  'test/api/routes/runs-big.int.test.ts',
  'test/coordinator/big-run.int.test.ts',
  'test/coordinator/recovery-yields.int.test.ts',
  'test/app/redis-busy.int.test.ts',
  'test/api/heavy-requests.int.test.ts',
  'test/coordinator/crash.int.test.ts',
  'test/api/redis-outage.int.test.ts',
];

/**
 * Integration files that change what their process holds for the next file (process.env, a
 * vi.mock of a module): each runs in a process of its own, beside the parallel files (the same
 * group: vitest runs the projects of one group together, and refuses two worker counts in one
 * group), not in a phase of their own after them.
 */
const ownProcess = [
  'test/runtime/local/private-view.int.test.ts',
  'test/app/scheduler.int.test.ts',
];

/** Settings every group shares. */
const common = {
  // A guard against a hang, not a measure: three files at a time on two cores take longer
  // than one did, and many tests start several strata processes one after another.
  testTimeout: 60_000,
  hookTimeout: 60_000,
  pool: 'forks' as const,
  // Tests share directories with the steps they run: outside /tmp, which each container on
  // the local runtime has of its own (docs/flow-language.md, A /tmp of its own).
  env: { TMPDIR: '/var/tmp' },
};

export default defineConfig({
  test: {
    // Run once for the whole run (the root project's), before either group: dist/ built, one
    // redis-server whose URL every test file reads with inject('redisUrl').
    globalSetup: ['test/support/build-global-setup.ts', 'test/support/redis-global-setup.ts'],
    reporters: ['default', './test/support/plain-summary-reporter.ts'],
    projects: [
      {
        // Unit files (no `.int.`): pure code, no processes or Redis of their own worth a fresh
        // process each. One module graph per worker (isolate off) instead of one per file: the
        // 119 files took 168 s of CPU isolated, 42 s not (measured side by side, 2 cores).
        test: { ...common, name: 'unit', include: ['test/**/*.test.ts'], exclude: ['test/**/*.int.test.ts'], isolate: false, maxWorkers: 2, sequence: { groupOrder: 0 } },
      },
      {
        // Most integration files wait on processes, Redis and HTTP rather than on the CPU:
        // three at a time on two cores keeps both busy (vitest's default is one fewer than
        // the cores). One module graph per worker (isolate off), as the unit files: each file
        // starts and closes its own strata, Redis data is keyed by a prefix of its own. The
        // 74 test/argo files took 737 s of CPU isolated and 571 s not (side by side, load 6-10).
        test: { ...common, name: 'parallel', include: ['test/**/*.int.test.ts'], exclude: [...alone, ...ownProcess], isolate: false, maxWorkers: 3, sequence: { groupOrder: 1 } },
      },
      {
        test: { ...common, name: 'own-process', include: ownProcess, maxWorkers: 3, sequence: { groupOrder: 1 } },
      },
      {
        test: { ...common, name: 'alone', include: alone, isolate: false, maxWorkers: 1, sequence: { groupOrder: 2 } },
      },
    ],
  },
});
