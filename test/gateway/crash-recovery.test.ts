/**
 * SIGKILL of the gateway during the sandbox's first history sync, then a restart on the same data dir:
 * the database is intact, the sync completes, and no message is stored twice.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';

// One process (node with tsx's loader), so a signal reaches the gateway itself, not a wrapper.
const NODE = process.execPath;
const TSX_ARGS = ['--import', 'tsx'];
const CLI = join(process.cwd(), 'src-main/cli/wagw.ts');

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

function getJson(port: number, path: string, key: string): Promise<any> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, path, headers: { 'x-api-key': key } }, (res) => {
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () => {
        try {
          resolve(JSON.parse(body));
        } catch (e) {
          reject(e);
        }
      });
    });
    req.on('error', reject);
    req.end();
  });
}

function serve(dataDir: string, port: number): Promise<ChildProcess> {
  const child = spawn(NODE, [...TSX_ARGS, CLI, 'serve', '--sandbox', '--sandbox-rate', '0', '--data-dir', dataDir, '--port', String(port), '--log-level', 'warn'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (c) => {
      out += String(c);
      if (out.includes('Press Ctrl+C')) resolve(child);
    });
    child.on('exit', (code) => reject(new Error(`serve exited ${code}: ${out}`)));
  });
}

function createKey(dataDir: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(NODE, [...TSX_ARGS, CLI, 'keys', 'create', '--name', 'crash', '--caps', 'read,manage', '--data-dir', dataDir]);
    let out = '';
    child.stdout.on('data', (c) => (out += String(c)));
    child.on('exit', (code) => (code === 0 ? resolve(out.trim().split('\n').at(-1)!) : reject(new Error(out))));
  });
}

async function syncState(port: number, key: string): Promise<{ state: string; progress: number } | undefined> {
  const body = await getJson(port, '/api/v1/sessions', key).catch(() => undefined);
  return body?.data?.[0]?.sync;
}

describe('crash during the first history sync', () => {
  const dirs: string[] = [];
  const children: ChildProcess[] = [];
  afterAll(() => {
    for (const c of children) c.kill('SIGKILL');
    if (!process.env.WAGW_KEEP_TEST_DIRS) for (const d of dirs) rmSync(d, { recursive: true, force: true });
    else console.log("kept", dirs);
  });

  async function runToCompletion(dataDir: string, key: string): Promise<void> {
    const port = await freePort();
    const child = await serve(dataDir, port);
    children.push(child);
    const deadline = Date.now() + 60_000;
    while ((await syncState(port, key))?.state !== 'complete') {
      if (Date.now() > deadline) throw new Error('sync did not complete');
      await new Promise((r) => setTimeout(r, 100));
    }
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await exited;
  }

  it('SIGKILL mid-sync, restart: integrity ok, sync completes, nothing stored twice', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'wagw-crash-'));
    const cleanDir = mkdtempSync(join(tmpdir(), 'wagw-clean-'));
    dirs.push(dataDir, cleanDir);
    const key = await createKey(dataDir);

    const port = await freePort();
    const first = await serve(dataDir, port);
    children.push(first);
    let seen: { state: string; progress: number } | undefined;
    const deadline = Date.now() + 60_000;
    for (;;) {
      seen = await syncState(port, key);
      if (seen && seen.state === 'syncing' && seen.progress > 0 && seen.progress < 80) break;
      if (seen?.state === 'complete' || Date.now() > deadline) throw new Error(`missed the sync window: ${JSON.stringify(seen)}`);
      await new Promise((r) => setTimeout(r, 20));
    }
    const killed = new Promise((r) => first.once('exit', r));
    first.kill('SIGKILL');
    await killed;

    const db = new Database(join(dataDir, 'gateway.db'));
    const partial = (db.prepare('SELECT count(*) AS n FROM messages').get() as { n: number }).n;
    // The reference: the same paired account (same creds, so the same simulated history) synced from
    // scratch without interruption. Copy the crashed database, forget its data and its processed history.
    await db.backup(join(cleanDir, 'gateway.db'));
    db.close();
    const ref = new Database(join(cleanDir, 'gateway.db'));
    ref.exec('DELETE FROM messages; DELETE FROM chats; DELETE FROM channels; DELETE FROM contacts; DELETE FROM lid_mappings; DELETE FROM events');
    ref.exec("UPDATE sessions SET sync_state = 'idle', sync_progress = 0");
    const creds = ref.prepare('SELECT session_id, value FROM wa_auth_creds').get() as { session_id: string; value: string };
    const parsed = JSON.parse(creds.value) as Record<string, unknown>;
    parsed.processedHistoryMessages = [];
    ref.prepare('UPDATE wa_auth_creds SET value = ? WHERE session_id = ?').run(JSON.stringify(parsed), creds.session_id);
    ref.close();
    expect(partial).toBeGreaterThan(0);

    await runToCompletion(dataDir, key);
    await runToCompletion(cleanDir, key);

    const count = (dir: string) => {
      const d = new Database(join(dir, 'gateway.db'), { readonly: true });
      try {
        expect(d.pragma('integrity_check', { simple: true })).toBe('ok');
        const n = (d.prepare('SELECT count(*) AS n FROM messages').get() as { n: number }).n;
        const distinct = (d.prepare('SELECT count(*) AS n FROM (SELECT DISTINCT chat_jid, wa_message_id FROM messages)').get() as { n: number }).n;
        return { n, distinct };
      } finally {
        d.close();
      }
    };
    const crashed = count(dataDir);
    const clean = count(cleanDir);
    expect(crashed.n).toBeGreaterThan(partial);
    expect(crashed.n).toBe(crashed.distinct);
    // The interrupted-then-resumed sync stores exactly what an uninterrupted one stores.
    expect(crashed.n).toBe(clean.n);
    const ids = (dir: string) => {
      const d = new Database(join(dir, 'gateway.db'), { readonly: true });
      try {
        return (d.prepare('SELECT chat_jid || \'/\' || wa_message_id AS k FROM messages ORDER BY k').all() as { k: string }[]).map((r) => r.k);
      } finally {
        d.close();
      }
    };
    expect(ids(dataDir)).toEqual(ids(cleanDir));
  }, 240_000);
});
