/**
 * The CLI as a person runs it: `npm run wagw -- ...` is `tsx src-main/cli/wagw.ts ...`; spawned for real.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { request } from 'node:http';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// One process (node with tsx's loader), so a signal reaches the gateway itself, not a wrapper.
const NODE = process.execPath;
const TSX_ARGS = ['--import', 'tsx'];
const CLI = join(process.cwd(), 'src-main/cli/wagw.ts');

function wagw(args: string[]) {
  return spawnSync(NODE, [...TSX_ARGS, CLI, ...args], { encoding: 'utf8', timeout: 60_000 });
}

function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, host, () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

function get(port: number, path: string, headers: Record<string, string> = {}, host = '127.0.0.1'): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host, port, path, headers }, (res) => {
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

async function waitForOutput(child: ChildProcess, pattern: RegExp, timeoutMs = 60_000): Promise<string> {
  let out = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`timed out waiting for ${pattern}; got:\n${out}`)), timeoutMs);
    const onData = (c: Buffer) => {
      out += String(c);
      if (pattern.test(out)) {
        clearTimeout(timer);
        resolve(out);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (c: Buffer) => (out += String(c)));
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`exited ${code} before ${pattern}:\n${out}`));
    });
  });
}

describe('wagw CLI', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'wagw-cli-'));
  let port: number;
  let server: ChildProcess;
  let stdout = '';

  beforeAll(async () => {
    port = await freePort();
    server = spawn(NODE, [...TSX_ARGS, CLI, 'serve', '--data-dir', dataDir, '--port', String(port), '--log-level', 'info'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    stdout = await waitForOutput(server, /Press Ctrl\+C/);
  }, 90_000);

  afterAll(() => {
    server?.kill('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('serve prints the API base URL and a one-time login link, and listens on 127.0.0.1 only', async () => {
    expect(stdout).toContain(`API base:   http://127.0.0.1:${port}/api/v1`);
    expect(stdout).toMatch(new RegExp(`http://127\\.0\\.0\\.1:${port}/#login=[\\w-]+`));
    expect((await get(port, '/healthz')).status).toBe(200);
    const ss = spawnSync('ss', ['-ltnH', `sport = :${port}`], { encoding: 'utf8' });
    if (ss.status === 0) expect(ss.stdout).toMatch(/127\.0\.0\.1:\d+/);
  });

  it('a key made by `keys create` lists sessions; the key alone is the last line of stdout', async () => {
    const res = wagw(['keys', 'create', '--name', 'script', '--caps', 'read,send', '--data-dir', dataDir]);
    expect(res.status, res.stderr).toBe(0);
    const lines = res.stdout.trim().split('\n');
    const key = lines.at(-1)!;
    expect(key).toMatch(/^wa_[A-Za-z0-9]+$/);
    const list = await get(port, '/api/v1/sessions', { authorization: `Bearer ${key}` });
    expect(list.status).toBe(200);
    expect(JSON.parse(list.body)).toEqual({ data: [], nextCursor: null });
    const listed = wagw(['keys', 'list', '--data-dir', dataDir]);
    expect(listed.stdout).toContain('script');
    expect(listed.stdout).not.toContain(key);
    const id = listed.stdout.trim().split(/\s+/)[0]!;
    expect(wagw(['keys', 'revoke', id, '--data-dir', dataDir]).status).toBe(0);
    expect((await get(port, '/api/v1/sessions', { 'x-api-key': key })).status).toBe(401);
  });

  it('refuses a request with Host: evil.example', async () => {
    const res = await get(port, '/healthz', { host: `evil.example:${port}` });
    expect(res.status).toBe(403);
  });

  it('clear errors, not stack traces: bad flags, port in use, unwritable data dir', async () => {
    const bad = wagw(['serve', '--port', 'abc']);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('--port must be an integer');
    expect(bad.stderr).not.toMatch(/\n\s+at /);
    const unknown = wagw(['serve', '--bogus']);
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toMatch(/Unknown option '--bogus'/i);
    const caps = wagw(['keys', 'create', '--name', 'x', '--caps', 'root', '--data-dir', dataDir]);
    expect(caps.status).toBe(2);
    expect(caps.stderr).toContain("unknown capability 'root'");
    const inUse = wagw(['serve', '--data-dir', mkdtempSync(join(tmpdir(), 'wagw-cli2-')), '--port', String(port)]);
    expect(inUse.status).toBe(1);
    expect(inUse.stderr).toContain(`port ${port} on 127.0.0.1 is already in use`);
    expect(inUse.stderr).not.toMatch(/\n\s+at /);
    const ro = mkdtempSync(join(tmpdir(), 'wagw-ro-'));
    chmodSync(ro, 0o500);
    const roRes = wagw(['serve', '--data-dir', join(ro, 'sub'), '--port', '0']);
    chmodSync(ro, 0o700);
    // root may write anywhere; then at least it must not crash with a stack trace
    if (process.getuid?.() !== 0) {
      expect(roRes.status).toBe(1);
      expect(roRes.stderr).toContain('is not usable');
    }
    const file = join(ro, 'afile');
    spawnSync('touch', [file]);
    const notDir = wagw(['serve', '--data-dir', join(file, 'sub'), '--port', '0']);
    expect(notDir.status).toBe(1);
    expect(notDir.stderr).toContain('is not usable');
    expect(notDir.stderr).not.toMatch(/\n\s+at /);
  }, 180_000);

  it('stops cleanly on SIGTERM', async () => {
    const exited = new Promise<number | null>((resolve) => server.on('exit', (code) => resolve(code)));
    server.kill('SIGTERM');
    expect(await exited).toBe(0);
  });
});

/** An IPv4 address of this machine that is not loopback (what a server listens on), if it has one. */
const LAN = Object.values(networkInterfaces())
  .flat()
  .find((a) => a && a.family === 'IPv4' && !a.internal)?.address;
if (!LAN) console.warn('[wagw.test] no non-loopback IPv4 address here: the self-hosted serve test is skipped');

describe.skipIf(!LAN)('wagw serve on a server address behind https://gw.example.com (issue 15)', () => {
  it('prints the public URL for the API, the docs and the login link; answers its public Host, refuses others; no exposure warning', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wagw-cli-public-'));
    const port = await freePort(LAN!);
    const child = spawn(
      NODE,
      [...TSX_ARGS, CLI, 'serve', '--data-dir', dir, '--host', LAN!, '--port', String(port), '--public-url', 'https://gw.example.com', '--strict'],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    try {
      const out = await waitForOutput(child, /Press Ctrl\+C/);
      expect(out).toContain('API docs:   https://gw.example.com/api/v1/docs');
      expect(out).toMatch(/https:\/\/gw\.example\.com\/#login=[\w-]{43}/);
      expect(out).not.toMatch(/warning/i);
      // What the TLS proxy forwards (Host of the public name) is answered; a stranger's Host is not.
      expect((await get(port, '/healthz', { host: 'gw.example.com' }, LAN)).status).toBe(200);
      expect((await get(port, '/healthz', { host: `evil.example:${port}` }, LAN)).status).toBe(403);
      const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
      expect(existsSync(join(dir, 'gateway.json'))).toBe(false);
    } finally {
      child.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
