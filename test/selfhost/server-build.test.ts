/**
 * The server build: `npm run build:server` (here: scripts/build-server.mjs --no-ui) run from a directory whose
 * node_modules holds only the production dependencies (what `npm ci --omit=dev` installs: the paths
 * `npm ls --omit=dev --all --parseable` lists, hard-linked from ours), started with plain `node`: no tsx, no
 * dev dependency. The real `npm ci --omit=dev` check is in docs/self-hosting.md.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const repo = process.cwd();
const app = mkdtempSync(join(tmpdir(), 'wagw-server-build-'));
const dataDir = join(app, 'data');
let server: ChildProcess | undefined;

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/** node_modules with exactly the production dependency tree. */
function productionNodeModules(into: string): string[] {
  const ls = spawnSync('npm', ['ls', '--omit=dev', '--all', '--parseable'], { cwd: repo, encoding: 'utf8', timeout: 60_000 });
  const modules = join(repo, 'node_modules');
  const paths = ls.stdout
    .split('\n')
    .filter((p) => p.startsWith(`${modules}/`))
    .map((p) => relative(modules, p))
    .sort();
  const top: string[] = [];
  for (const p of paths) if (!top.some((t) => p.startsWith(`${t}/`))) top.push(p);
  for (const p of top) {
    const dest = join(into, 'node_modules', p);
    mkdirSync(dirname(dest), { recursive: true });
    const src = realpathSync(join(modules, p));
    // Hard links are instant on one file system; a plain copy otherwise.
    if (spawnSync('cp', ['-al', src, dest]).status !== 0) {
      rmSync(dest, { recursive: true, force: true });
      expect(spawnSync('cp', ['-a', src, dest]).status).toBe(0);
    }
  }
  return top;
}

const node = (args: string[]) =>
  spawnSync(process.execPath, args, { cwd: app, encoding: 'utf8', timeout: 60_000, env: { PATH: process.env.PATH ?? '', HOME: app } });

beforeAll(() => {
  const build = spawnSync(process.execPath, [join(repo, 'scripts', 'build-server.mjs'), '--no-ui', '--out-dir', join(app, 'dist', 'server')], {
    cwd: repo,
    encoding: 'utf8',
    timeout: 120_000,
  });
  expect(build.status, build.stderr).toBe(0);
  productionNodeModules(app);
}, 180_000);

afterAll(async () => {
  if (server && server.exitCode === null) {
    server.kill('SIGTERM');
    await new Promise((r) => server!.once('exit', r));
  }
  rmSync(app, { recursive: true, force: true });
});

describe('server build (node dist/server/wagw.mjs with production dependencies only)', () => {
  it('has no dev dependency and no TypeScript loader to lean on', () => {
    for (const dev of ['tsx', 'esbuild', 'vite', 'vitest', 'typescript', 'electron', 'playwright-core', 'svelte', 'electron-builder']) {
      expect(existsSync(join(app, 'node_modules', dev)), dev).toBe(false);
    }
    for (const prod of ['better-sqlite3', '@whiskeysockets/baileys', 'koa', 'pino']) expect(existsSync(join(app, 'node_modules', prod)), prod).toBe(true);
    expect(existsSync(join(app, 'dist', 'server', 'migrations', '001_init.sql'))).toBe(true);
  });

  it('serves /healthz and the API, loads the WhatsApp side (sandbox) and stops on SIGTERM', async () => {
    const created = node([join('dist', 'server', 'wagw.mjs'), 'keys', 'create', '--name', 'build-test', '--caps', 'read', '--data-dir', dataDir]);
    expect(created.status, created.stderr).toBe(0);
    const key = created.stdout.trim().split('\n').pop()!;
    const port = await freePort();
    server = spawn(process.execPath, [join('dist', 'server', 'wagw.mjs'), 'serve', '--port', String(port), '--data-dir', dataDir, '--sandbox', '--sandbox-rate', '0'], {
      cwd: app,
      env: { PATH: process.env.PATH ?? '', HOME: app },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    server.stderr!.on('data', (c) => (stderr += c));
    const base = `http://127.0.0.1:${port}`;
    const deadline = Date.now() + 60_000;
    let health = 0;
    while (Date.now() < deadline && health !== 200) {
      health = await fetch(`${base}/healthz`).then((r) => r.status, () => 0);
      if (health !== 200) await new Promise((r) => setTimeout(r, 200));
    }
    expect(health, stderr).toBe(200);
    // The sandbox session connects through the lazily loaded WhatsApp chunk (Baileys from node_modules).
    let status = '';
    while (Date.now() < deadline && status !== 'working') {
      const res = await fetch(`${base}/api/v1/sessions`, { headers: { 'x-api-key': key } });
      status = ((await res.json()) as { data: { status: string }[] }).data[0]?.status ?? '';
      if (status !== 'working') await new Promise((r) => setTimeout(r, 250));
    }
    expect(status, stderr).toBe('working');
    expect(stderr).not.toMatch(/could not load the WhatsApp modules|ERR_MODULE_NOT_FOUND/);
    server.kill('SIGTERM');
    const code = await new Promise((r) => server!.once('exit', r));
    expect(code).toBe(0);
  }, 120_000);
});
