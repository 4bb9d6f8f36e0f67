#!/usr/bin/env node
/**
 * npm run build:server: the headless gateway as one bundled ES module for plain `node`, without tsx.
 *   dist/server/wagw.mjs          src-main/cli/wagw.ts and everything of ours it imports (esbuild; the
 *                                 lazily loaded WhatsApp side in dist/server/chunks/);
 *                                 npm packages stay external: they are the production dependencies
 *                                 (`npm ci --omit=dev`), better-sqlite3 among them (native).
 *   dist/server/migrations/*.sql  the store's migrations (the bundled store looks beside itself).
 *   dist/server/renderer/         the built UI (vite), served at '/'; skipped with --no-ui.
 * Run it: `node dist/server/wagw.mjs serve ...` from a directory whose node_modules (here or above) has the
 * production dependencies. The build itself needs the dev dependencies (esbuild, vite).
 */
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const outDir = args.includes('--out-dir') ? args[args.indexOf('--out-dir') + 1] : join(root, 'dist', 'server');
const withUi = !args.includes('--no-ui');

const log = (line) => process.stdout.write(`[build:server] ${line}\n`);

rmSync(outDir, { recursive: true, force: true });
mkdirSync(outDir, { recursive: true });

const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const result = await build({
  entryPoints: [join(root, 'src-main', 'cli', 'wagw.ts')],
  outdir: outDir,
  entryNames: '[name]',
  chunkNames: 'chunks/[name]-[hash]',
  outExtension: { '.js': '.mjs' },
  // The WhatsApp side stays a separate chunk, imported after the HTTP server listens (as in the source).
  splitting: true,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20.19',
  packages: 'external',
  sourcemap: 'linked',
  legalComments: 'none',
  logLevel: 'warning',
  metafile: true,
  define: { 'process.env.WAGW_BUILD': JSON.stringify('server') },
});
chmodSync(join(outDir, 'wagw.mjs'), 0o755);

// Every bare import left in the bundle must be a production dependency (or a Node built-in).
const external = new Set();
for (const output of Object.values(result.metafile.outputs)) {
  for (const imp of output.imports ?? []) if (imp.external) external.add(imp.path);
}
const prod = new Set(Object.keys(pkg.dependencies ?? {}));
const nodeBuiltin = (p) => p.startsWith('node:');
const packageOf = (p) => (p.startsWith('@') ? p.split('/').slice(0, 2).join('/') : p.split('/')[0]);
const notProd = [...external].filter((p) => !nodeBuiltin(p) && !prod.has(packageOf(p)));
if (notProd.length) {
  process.stderr.write(`[build:server] the bundle imports packages that are not production dependencies: ${notProd.join(', ')}\n`);
  process.exit(1);
}
log(`dist/server/wagw.mjs (external: ${[...external].filter((p) => !nodeBuiltin(p)).sort().join(', ')})`);

const migrations = join(root, 'src-main', 'store', 'migrations');
mkdirSync(join(outDir, 'migrations'));
for (const f of readdirSync(migrations).filter((f) => f.endsWith('.sql'))) cpSync(join(migrations, f), join(outDir, 'migrations', f));
log('migrations copied');

// The sandbox's sample media: media-assets.ts (in the WhatsApp chunk, dist/server/chunks) finds it at ../resources.
const sandboxMedia = join(root, 'resources', 'sandbox-media');
cpSync(sandboxMedia, join(outDir, 'resources', 'sandbox-media'), { recursive: true, filter: (src) => !src.endsWith('.mjs') });
log('sandbox media copied');

if (withUi) {
  const config = join(root, 'src-renderer', 'vite.config.ts');
  if (existsSync(config)) {
    const r = spawnSync(
      process.execPath,
      [join(root, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--config', config, '--outDir', join(outDir, 'renderer'), '--emptyOutDir'],
      { cwd: root, stdio: 'inherit' },
    );
    if (r.status !== 0) process.exit(r.status ?? 1);
    log('UI built into dist/server/renderer');
  } else log('no UI sources (src-renderer/vite.config.ts); the server serves the API only');
}
log(`done: node ${join(outDir, 'wagw.mjs')} serve --help`);
