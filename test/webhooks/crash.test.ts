/**
 * Issue 11's acceptance run, end to end with the real gateway process (`wagw serve --sandbox`, as in
 * test/gateway/crash-recovery.test.ts): the receiver is down while 300+ live sandbox messages arrive, the
 * gateway is SIGKILLed and restarted, the receiver comes back -> every 'message' event is delivered at least
 * once, none lost, in order per endpoint, duplicates only with the same webhook-id, signatures verified by
 * `standardwebhooks`.
 *
 * The endpoint is created through the webhook service on the database before the first start (the API routes
 * come with the app layer).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { ulid } from 'ulid';
import { afterAll, describe, expect, it } from 'vitest';
import { createCursorCodec } from '../../src-main/core/cursor.js';
import { openStore } from '../../src-main/store/index.js';
import { createWebhookService } from '../../src-main/webhooks/endpoints.js';
import { startReceiver, waitFor, type Receiver } from './helpers.js';

const NODE = process.execPath;
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

function serve(dataDir: string, rate: number): Promise<ChildProcess> {
  const child = spawn(
    NODE,
    ['--import', 'tsx', CLI, 'serve', '--sandbox', '--sandbox-rate', String(rate), '--data-dir', dataDir, '--port', '0', '--log-level', 'warn'],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (c) => {
      out += String(c);
      if (out.includes('Press Ctrl+C')) resolve(child);
    });
    child.on('exit', (code) => reject(new Error(`serve exited ${code}: ${out}`)));
  });
}

describe('webhooks across a gateway crash', () => {
  const dirs: string[] = [];
  const children: ChildProcess[] = [];
  let receiver: Receiver | undefined;
  afterAll(async () => {
    for (const c of children) c.kill('SIGKILL');
    await receiver?.close();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('receiver down, 300 sandbox messages, SIGKILL, restart, receiver back: all delivered, in order, same ids', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'wagw-webhook-crash-'));
    dirs.push(dataDir);
    const port = await freePort(); // nothing listens there yet: the receiver is down
    const setup = openStore(join(dataDir, 'gateway.db'));
    const org = setup.organizations.ensureDefault(ulid).id;
    const { endpoint, secret } = createWebhookService({ store: setup, cursors: createCursorCodec('x') }).create(org, {
      url: `http://127.0.0.1:${port}/hook`,
      events: ['message'],
    });
    setup.close();

    const db = new Database(join(dataDir, 'gateway.db'), { readonly: true });
    const count = (sql: string): number => (db.prepare(sql).pluck().get() as number) ?? 0;
    try {
      const first = await serve(dataDir, 6000); // 100 live messages/s once paired and synced
      children.push(first);
      await waitFor(() => count("SELECT count(*) FROM webhook_deliveries WHERE event = 'message'") >= 300, 120_000, '300 message deliveries');
      const killed = new Promise((r) => first.once('exit', r));
      first.kill('SIGKILL');
      await killed;
    } finally {
      db.close();
    }

    const check = new Database(join(dataDir, 'gateway.db'));
    const before = check.prepare("SELECT event_id FROM webhook_deliveries WHERE endpoint_id = ? ORDER BY seq").pluck().all(endpoint.id) as string[];
    expect(before.length).toBeGreaterThanOrEqual(300);
    // Every 'message' event the crashed process committed has its delivery row (same transaction).
    const events = check.prepare("SELECT id FROM events WHERE event = 'message' ORDER BY seq").pluck().all() as string[];
    expect(before).toEqual(events);
    expect(check.prepare("SELECT count(*) FROM webhook_deliveries WHERE status IN ('pending', 'failed')").pluck().get()).toBe(before.length);
    // The head has been retried with backoff while the receiver was down; skip the wait, not the retry.
    check.prepare('UPDATE webhook_deliveries SET next_attempt_at = 0').run();
    check.close();

    receiver = await startReceiver(undefined, port);
    receiver.secret = secret;

    const second = await serve(dataDir, 0);
    children.push(second);
    await waitFor(() => new Set(receiver!.received.map((r) => r.id)).size >= before.length, 120_000, 'every delivery');
    expect(receiver.rejected).toEqual([]);
    const firstSeen: string[] = [];
    const seen = new Set<string>();
    for (const r of receiver.received) {
      if (!seen.has(r.id)) firstSeen.push(r.id);
      seen.add(r.id);
      expect(r.frame.id).toBe(r.id); // a duplicate is the same event under the same webhook-id
    }
    expect(firstSeen.slice(0, before.length)).toEqual(before);
    const exited = new Promise((r) => second.once('exit', r));
    second.kill('SIGTERM');
    await exited;
  }, 300_000);
});
