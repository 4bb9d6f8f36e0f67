/**
 * Build of the desktop app (electron-vite 6 / Vite 8):
 * - main:     src-main/electron/main.ts -> out/main/index.js (ESM). The gateway, store and API are bundled in;
 *             npm dependencies stay external (better-sqlite3 is native, Baileys is large and loads lazily) and
 *             ship in node_modules. The SQL migrations are copied to out/main/migrations, where the bundled
 *             store looks for them (dirname of the bundle + /migrations; env WAGW_MIGRATIONS_DIR overrides).
 * - preload:  src-main/preload/index.ts -> out/preload/index.cjs. CommonJS because sandboxed preloads cannot
 *             be ES modules; everything but 'electron' is bundled in (a sandboxed preload can require nothing).
 * - renderer: src-renderer -> out/renderer, with the renderer's own Vite plugins (src-renderer/vite.config.ts
 *             when it exists, else the Svelte plugin). The gateway serves this directory at '/'.
 */
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineConfig, type UserConfig } from 'electron-vite';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfigFromFile, type ConfigEnv, type Plugin, type PluginOption } from 'vite';

const root = dirname(fileURLToPath(import.meta.url));
const migrationsDir = join(root, 'src-main', 'store', 'migrations');
const rendererRoot = join(root, 'src-renderer');
const rendererConfigFile = join(rendererRoot, 'vite.config.ts');

/** Emits src-main/store/migrations/*.sql as out/main/migrations/*.sql. */
function copyMigrations(): Plugin {
  return {
    name: 'wagw:copy-migrations',
    buildStart() {
      for (const file of readdirSync(migrationsDir).filter((f) => f.endsWith('.sql'))) {
        this.addWatchFile(join(migrationsDir, file));
      }
    },
    generateBundle() {
      for (const file of readdirSync(migrationsDir).filter((f) => f.endsWith('.sql')).sort()) {
        this.emitFile({ type: 'asset', fileName: `migrations/${file}`, source: readFileSync(join(migrationsDir, file), 'utf8') });
      }
    },
  };
}

/**
 * The renderer engineer's Vite config (src-renderer/vite.config.ts) when it exists, so the desktop build of
 * the UI is the same as the headless one (`vite build --config src-renderer/vite.config.ts`): its plugins,
 * base and build options (CSP-friendly: external CSS, no modulepreload polyfill, no inlined assets). Only
 * the input and output locations are ours. Without that file (early in the project): plain Svelte.
 */
async function rendererSection(env: ConfigEnv): Promise<NonNullable<UserConfig['renderer']>> {
  const own = {
    root: rendererRoot,
    outDir: resolve(root, 'out/renderer'),
    input: { index: resolve(rendererRoot, 'index.html') },
  };
  const loaded = existsSync(rendererConfigFile) ? await loadConfigFromFile(env, rendererConfigFile, rendererRoot, 'warn') : null;
  const theirs = loaded?.config ?? {};
  const plugins: PluginOption[] = theirs.plugins && theirs.plugins.length > 0 ? theirs.plugins : [svelte()];
  return {
    base: theirs.base ?? './',
    ...(theirs.resolve ? { resolve: theirs.resolve } : {}),
    ...(theirs.define ? { define: theirs.define } : {}),
    root: own.root,
    plugins,
    build: {
      // electron-vite leaves renderer output unminified by default; the gateway serves it to browsers too.
      minify: true,
      ...(theirs.build ?? {}),
      outDir: own.outDir,
      emptyOutDir: true,
      rollupOptions: { input: own.input },
    },
  };
}

export default defineConfig(async (env): Promise<UserConfig> => ({
  main: {
    build: {
      outDir: resolve(root, 'out/main'),
      externalizeDeps: { include: ['better-sqlite3', '@whiskeysockets/baileys'] },
      rollupOptions: {
        input: { index: resolve(root, 'src-main/electron/main.ts') },
      },
    },
    plugins: [copyMigrations()],
  },
  preload: {
    build: {
      outDir: resolve(root, 'out/preload'),
      // Nothing external but 'electron' (added by electron-vite): the sandbox gives the preload no require().
      externalizeDeps: false,
      rollupOptions: {
        input: { index: resolve(root, 'src-main/preload/index.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: await rendererSection(env),
}));
