import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildToolEnv,
  EXIT_NO_NETWORK,
  headersUrl,
  installedElectronVersion,
  nativeBindingPath,
  parseArgs,
  planBuild,
  prebuiltUrl,
  probe,
  projectRoot,
} from '../../scripts/electron-native.mjs';

const ok = { ok: true, reason: 'HTTP 200' };
const down = { ok: false, reason: 'ENOTFOUND' };

let server: Server;
let base: string;
/** A port nothing listens on (bound, then closed). */
let closedUrl: string;

beforeAll(async () => {
  server = createServer((req, res) => {
    res.statusCode = req.url?.includes('missing') ? 404 : 200;
    res.end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const closed = createServer();
  await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
  closedUrl = `http://127.0.0.1:${(closed.address() as AddressInfo).port}`;
  await new Promise<void>((r) => closed.close(() => r()));
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

describe('plan', () => {
  it('prefers the prebuilt binary, falls back to node-gyp, and is empty without network', () => {
    expect(planBuild({ prebuilt: ok, headers: ok, allowPrebuilt: true })).toEqual(['prebuilt', 'node-gyp']);
    expect(planBuild({ prebuilt: down, headers: ok, allowPrebuilt: true })).toEqual(['node-gyp']);
    expect(planBuild({ prebuilt: ok, headers: down, allowPrebuilt: false })).toEqual([]);
    expect(planBuild({ prebuilt: down, headers: down, allowPrebuilt: true })).toEqual([]);
  });

  it('strips npm settings that would make node-gyp build for the wrong runtime', () => {
    const env = buildToolEnv({ npm_config_nodedir: '/usr', NPM_CONFIG_TARGET: '20.0.0', npm_config_runtime: 'node', npm_config_cache: '/c', PATH: '/bin' });
    expect(env).toEqual({ npm_config_cache: '/c', PATH: '/bin' });
  });

  it('builds the download URLs', () => {
    expect(prebuiltUrl({ host: null, sqliteVersion: '12.6.2', abi: '139', platform: 'linux', arch: 'x64' })).toBe(
      'https://github.com/WiseLibs/better-sqlite3/releases/download/v12.6.2/better-sqlite3-v12.6.2-electron-v139-linux-x64.tar.gz',
    );
    expect(prebuiltUrl({ host: 'https://mirror/bsq/', sqliteVersion: '1.0.0', abi: '139', platform: 'darwin', arch: 'arm64' })).toBe(
      'https://mirror/bsq/v1.0.0/better-sqlite3-v1.0.0-electron-v139-darwin-arm64.tar.gz',
    );
    expect(headersUrl('https://electronjs.org/headers/', '38.8.6')).toBe('https://electronjs.org/headers/v38.8.6/SHASUMS256.txt');
  });

  it('parses its flags and rejects unknown ones', () => {
    expect(parseArgs(['--force', '--dist-url', 'http://m', '--no-prebuilt', '--timeout-ms', '100'])).toEqual({
      force: true,
      distUrl: 'http://m',
      prebuiltHost: null,
      allowPrebuilt: false,
      timeoutMs: 100,
    });
    expect(() => parseArgs(['--dist-url'])).toThrow(/needs a value/);
    expect(() => parseArgs(['--timeout-ms', '0'])).toThrow(/positive/);
    expect(() => parseArgs(['--yes'])).toThrow(/unknown argument/);
  });
});

describe('probe', () => {
  it('answers ok for a reachable URL, not for a 404 or a closed port', async () => {
    expect(await probe(`${base}/v1/SHASUMS256.txt`, 2000)).toEqual({ ok: true, reason: 'HTTP 200' });
    expect(await probe(`${base}/missing`, 2000)).toEqual({ ok: false, reason: 'HTTP 404' });
    const refused = await probe(closedUrl, 2000);
    expect(refused.ok).toBe(false);
    expect(refused.reason).toMatch(/ECONNREFUSED/);
  });
});

describe('the script', () => {
  it('fails fast with exit code 2 and a clear message when nothing is reachable', () => {
    const started = Date.now();
    const result = spawnSync(
      process.execPath,
      [join(projectRoot, 'scripts', 'electron-native.mjs'), '--force', '--dist-url', closedUrl, '--prebuilt-host', closedUrl, '--timeout-ms', '3000'],
      { cwd: projectRoot, encoding: 'utf8', timeout: 20_000 },
    );
    expect(result.status).toBe(EXIT_NO_NETWORK);
    expect(result.stderr).toMatch(/no download source is reachable/);
    expect(result.stderr).toMatch(/ECONNREFUSED/);
    expect(result.stderr).toMatch(/npm start -- --headless/);
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('names the file the app looks for', () => {
    const version = installedElectronVersion();
    expect(version).toMatch(/^\d+\.\d+\.\d+/);
    expect(nativeBindingPath(projectRoot, version)).toBe(
      join(projectRoot, 'build', 'native', `electron-${version}-${process.platform}-${process.arch}`, 'better_sqlite3.node'),
    );
  });

  it('rejects bad arguments with exit code 64', () => {
    const result = spawnSync(process.execPath, [join(projectRoot, 'scripts', 'electron-native.mjs'), '--bogus'], { encoding: 'utf8' });
    expect(result.status).toBe(64);
    expect(result.stderr).toMatch(/unknown argument --bogus/);
    expect(existsSync(join(projectRoot, 'scripts', 'electron-native.mjs'))).toBe(true);
  });
});
