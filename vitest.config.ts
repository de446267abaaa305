import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/support/build-global-setup.ts', 'test/support/redis-global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
    // Tests share directories with the steps they run: outside /tmp, which each container on
    // the local runtime has of its own (docs/flow-language.md, A /tmp of its own).
    env: { TMPDIR: '/var/tmp' },
    reporters: ['default', './test/support/plain-summary-reporter.ts'],
  },
});
