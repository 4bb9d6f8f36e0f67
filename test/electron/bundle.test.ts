/**
 * Smoke test of the BUILT desktop app: `electron-vite build` into a temp dir, then the real main bundle runs
 * under plain Node with a fake 'electron' runtime (fixtures/fake-electron-runtime.mjs) and the real gateway:
 * migrations found beside the bundle, UI served, CSP applied, token minted over IPC and accepted by the API,
 * untrusted IPC refused, graceful exit. Slow-ish (a full build), so it builds once for the file.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../', import.meta.url));
const register = fileURLToPath(new URL('./fixtures/register-fake-electron.mjs', import.meta.url));
let work: string;
let outDir: string;

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'wagw-bundle-'));
  outDir = join(work, 'out');
  const build = spawnSync(process.execPath, [join(root, 'node_modules/electron-vite/bin/electron-vite.js'), 'build', '--outDir', outDir], {
    cwd: root,
    encoding: 'utf8',
    timeout: 240_000,
  });
  if (build.status !== 0) throw new Error(`electron-vite build failed:\n${build.stdout}\n${build.stderr}`);
}, 300_000);

afterAll(() => rmSync(work, { recursive: true, force: true }));

function runMain(dataDir: string, reportFile: string): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', register, join(outDir, 'main/index.js'), '--port', '0', '--data-dir', dataDir], {
      cwd: root,
      env: { ...process.env, WAGW_FAKE_REPORT: reportFile, WAGW_FAKE_APP_PATH: root, WAGW_FAKE_USER_DATA: join(work, 'userData') },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stderr });
    });
  });
}

describe('built desktop bundle', () => {
  it('has the entries and files the app and electron-builder expect', () => {
    for (const file of ['main/index.js', 'main/migrations/001_init.sql', 'preload/index.cjs', 'renderer/index.html']) {
      expect(existsSync(join(outDir, file)), file).toBe(true);
    }
    const preload = readFileSync(join(outDir, 'preload/index.cjs'), 'utf8');
    // Sandboxed preload: CommonJS, and nothing required but electron.
    expect([...preload.matchAll(/require\(["']([^"']+)["']\)/g)].map((m) => m[1])).toEqual(['electron']);
    expect(preload).not.toMatch(/^\s*import\s/m);
  });

  it('starts the real gateway, serves the UI under the CSP, mints working tokens, and shuts down cleanly', async () => {
    const dataDir = join(work, 'data');
    const reportFile = join(work, 'report.json');
    const { code, stderr } = await runMain(dataDir, reportFile);
    expect(code, stderr).toBe(0);
    const report = JSON.parse(readFileSync(reportFile, 'utf8'));
    expect(report.rendererError, report.rendererError).toBeUndefined();
    expect(report.sandboxEnabled).toBe(true);
    expect(report.page.status).toBe(200);
    expect(report.page.hasAppRoot).toBe(true);
    // Ours comes last; a policy the gateway sent itself is kept in front of it (both are enforced).
    expect(report.page.csp.slice(0, -1)).toEqual(report.page.serverCsp ?? []);
    const csp: string = report.page.csp.at(-1);
    expect(csp).toMatch(/connect-src http:\/\/127\.0\.0\.1:\d+ ws:\/\/127\.0\.0\.1:\d+/);
    expect(csp).not.toMatch(/unsafe/);
    expect(report.webPreferences).toMatchObject({ sandbox: true, contextIsolation: true, nodeIntegration: false, preload: join(outDir, 'preload/index.cjs') });
    expect(report.channels).toEqual(['wagw:get-token', 'wagw:open-document']);
    // Open goes through the gateway's own media route (here: 404 for an unknown session), and opens nothing.
    expect(report.openMissing).toEqual({ ok: false, error: expect.stringMatching(/could not be fetched: .*not found/i) });
    expect(report.events.filter((e: string) => e.startsWith('openPath'))).toEqual([]);
    expect(report.grant.tokenParts).toBe(3);
    expect(report.grant.expiresAt).toBeGreaterThan(report.grant.now);
    expect(report.api.status).toBe(200);
    expect(report.anonymousStatus).toBe(401);
    expect(report.untrusted).toMatch(/rejected: .*untrusted sender/);
    expect(report.trayIcon).toBe(join(root, 'resources/tray/tray-disconnected.png'));
    // Quit was held for the gateway's stop, then went through.
    expect(report.events.filter((e: string) => e.startsWith('quit'))).toEqual(['quit-held', 'quit']);
    expect(report.events).toContain('tray-destroyed');
    expect(existsSync(dataDir)).toBe(true);

    // Same data dir again: the database and migrations are reopened, not redone or refused.
    const again = await runMain(dataDir, reportFile);
    expect(again.code, again.stderr).toBe(0);
    expect(JSON.parse(readFileSync(reportFile, 'utf8')).api.status).toBe(200);
  }, 120_000);
});
