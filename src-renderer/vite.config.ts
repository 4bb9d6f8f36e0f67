/**
 * Standalone Vite config of the renderer (Svelte 5). `npx vite build --config src-renderer/vite.config.ts`
 * writes out/renderer; electron.vite.config.ts reuses this for its renderer section.
 *
 * The output must run under a strict CSP (script-src 'self'; style-src 'self'): component CSS is emitted as
 * a .css file (emitCss + css: 'external'), no inline scripts, no modulepreload polyfill snippet.
 */
import { fileURLToPath } from 'node:url';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineConfig, type UserConfig } from 'vite';

const rendererRoot = fileURLToPath(new URL('.', import.meta.url));
const outDir = fileURLToPath(new URL('../out/renderer', import.meta.url));
/**
 * `@core/...` is src-main/core: the domain types and the event map the gateway's producers use, so the UI reads
 * the very same payload types. core/ imports nothing outside core/, so bundling it pulls in nothing else.
 */
const coreDir = fileURLToPath(new URL('../src-main/core', import.meta.url));
/** Where `vite dev` forwards /api (a running `wagw serve`). */
const devGateway = process.env['WAGW_DEV_GATEWAY'] ?? 'http://127.0.0.1:7480';

export const rendererConfig: UserConfig = {
  root: rendererRoot,
  base: './',
  plugins: [svelte({ emitCss: true, compilerOptions: { css: 'external' } })],
  resolve: { alias: { '@core': coreDir } },
  build: {
    outDir,
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
    cssCodeSplit: false,
    modulePreload: { polyfill: false },
    // Never inline assets as data: URLs (CSP img-src/font-src may not allow them).
    assetsInlineLimit: 0,
  },
  server: {
    proxy: {
      '/api': { target: devGateway, ws: true, changeOrigin: false },
    },
  },
};

export default defineConfig(rendererConfig);
