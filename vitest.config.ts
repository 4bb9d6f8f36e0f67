import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  // The renderer's @core alias (src-renderer/vite.config.ts), for tests of renderer modules.
  resolve: { alias: { '@core': fileURLToPath(new URL('./src-main/core', import.meta.url)) } },
  test: {
    include: ['test/**/*.test.ts'],
    exclude: ['test/bench/**', 'node_modules/**'],
    environment: 'node',
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // expect.poll waits for a condition; on a loaded 2-core machine 1 s (the default) is not enough.
    expect: { poll: { timeout: 15_000 } },
    // Two cores: files run in parallel forks; each test file uses its own temp data dir and port 0.
    pool: 'forks',
  },
});
