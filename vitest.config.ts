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
    // Two cores: files run in parallel forks; each test file uses its own temp data dir and port 0.
    pool: 'forks',
  },
});
