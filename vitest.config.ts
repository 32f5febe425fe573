// Test runner settings: generous per-test time limits, since CI shares two cores among parallel test files and
// several tests run the CLI or a full scenario. Timing is never asserted by tests (see docs/performance.md).
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
