/**
 * A gateway restart on the same data dir, after a download was cut short (what a SIGKILL leaves: a queued
 * job and a `.partial-*` file; the kill itself is exercised against the queue in test/media/queue.test.ts):
 * the partial file is swept and never served, the queued download completes from the URL the first run
 * stored (the sandbox keeps its media keys and CDN port in <data-dir>/sandbox-media.json), and the served
 * bytes hash to the message's fileSha256.
 */
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';

const sandbox = { ensureSession: true, seed: 11, ratePerMinute: 0 };

async function until<T>(what: string, fn: () => Promise<T | undefined> | T | undefined, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('media download interrupted, then the gateway restarts', () => {
  const gateways: TestGateway[] = [];
  afterAll(async () => {
    for (const g of gateways.reverse()) await g.close().catch(() => undefined);
  });

  it('sweeps the partial file, completes the download from the earlier run\'s URL, and serves the verified bytes', async () => {
    const first = await startTestGateway({ config: { sandbox, logLevel: 'info' } });
    const dataDir = first.dataDir;
    let key = first.key(['read', 'send']);
    await until('history sync', async () => (await first.req('GET', '/api/v1/sessions', { auth: key })).body.data[0]?.sync?.state === 'complete');
    const sessionId = (await first.req('GET', '/api/v1/sessions', { auth: key })).body.data[0].id as string;
    const row = first.store.db
      .prepare(
        `SELECT pk, chat_jid, wa_message_id, raw FROM messages WHERE session_id = ? AND type = 'video' AND raw LIKE '%127.0.0.1%'
           AND chat_jid NOT LIKE '%@newsletter' ORDER BY pk LIMIT 1`,
      )
      .get(sessionId) as { pk: number; chat_jid: string; wa_message_id: string; raw: string };
    // The video may sit inside a wrapper (view-once, ephemeral...): find its videoMessage wherever it is.
    const findVideo = (o: unknown): { fileSha256: string } | undefined => {
      if (!o || typeof o !== 'object') return undefined;
      const v = (o as Record<string, unknown>).videoMessage as { fileSha256: string } | undefined;
      return v ?? Object.values(o).map(findVideo).find(Boolean);
    };
    const declared = Buffer.from(findVideo(JSON.parse(row.raw).message)!.fileSha256, 'base64').toString('hex');
    await first.gateway.stop();

    // What a kill mid-download leaves behind: the durable job, and a partial file under the final hash's shard.
    const db = new Database(join(dataDir, 'gateway.db'));
    try {
      db.prepare(
        `INSERT INTO media_jobs (message_pk, session_id, kind, state, expected_size, priority, attempts, next_attempt_at, created_at, updated_at)
         VALUES (?, ?, 'video', 'queued', NULL, 1, 0, 0, 0, 0)`,
      ).run(row.pk, sessionId);
    } finally {
      db.close();
    }
    const shard = join(dataDir, 'media', declared.slice(0, 2));
    mkdirSync(shard, { recursive: true });
    const partial = join(shard, `.partial-${randomBytes(6).toString('hex')}`);
    writeFileSync(partial, randomBytes(2048));

    const second = await startTestGateway({ config: { sandbox, logLevel: 'info', dataDir } });
    gateways.push(second);
    key = second.key(['read', 'send']);
    const state = () =>
      (second.store.db.prepare('SELECT state FROM media_jobs WHERE message_pk = ?').get(row.pk) as { state: string } | undefined)?.state;
    await until('the resumed download', () => state() === 'done');
    expect(existsSync(partial)).toBe(false);
    expect(readdirSync(shard).filter((n) => n.startsWith('.partial-'))).toEqual([]);
    const res = await fetch(
      `${second.info.url}/api/v1/sessions/${sessionId}/chats/${encodeURIComponent(row.chat_jid)}/messages/${row.wa_message_id}/media`,
      { headers: { authorization: `Bearer ${key}` } },
    );
    expect(res.status).toBe(200);
    const body = Buffer.from(await res.arrayBuffer());
    expect(createHash('sha256').update(body).digest('hex')).toBe(declared);
    expect(res.headers.get('content-type')).toBe('video/mp4');
  }, 150_000);
});
