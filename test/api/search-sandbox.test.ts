/**
 * Search over real HTTP on the sandbox account (its history is ingested through the real mapper and ingestion
 * code): every message holding the word "pizza" (in text, captions, poll options...), each once, newest first,
 * across pages; channel posts only for a credential with send.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';

const WORD = /(^|[^\p{L}\p{N}])pizza($|[^\p{L}\p{N}])/iu;

describe('search on the sandbox over HTTP', () => {
  let g: TestGateway;
  let sid: string;

  beforeAll(async () => {
    g = await startTestGateway({ config: { sandbox: { ensureSession: true, seed: 1, ratePerMinute: 0 } } });
    await vi.waitFor(
      async () => {
        const res = await g.req('GET', '/api/v1/sessions', { auth: g.token });
        const s = res.body.data.find((x: { sandbox: boolean }) => x.sandbox);
        expect(s?.status).toBe('working');
        expect(s?.sync?.state).toBe('complete');
        sid = s.id;
      },
      { timeout: 120_000, interval: 250 },
    );
  }, 180_000);
  afterAll(() => g.close());

  /** What the archive holds with the word, computed apart from the index. */
  function expected(includeChannels: boolean): string[] {
    const rows = g.store.db
      .prepare(
        `SELECT wa_message_id AS id, chat_jid AS chat, coalesce(body, '') || ' ' || coalesce(search_text, '') || ' ' ||
           coalesce(media_filename, '') || ' ' || coalesce(sender_name, '') AS text
         FROM messages WHERE session_id = ? AND deleted = 0 ORDER BY timestamp DESC, pk DESC`,
      )
      .all(sid) as { id: string; chat: string; text: string }[];
    return rows.filter((r) => WORD.test(r.text) && (includeChannels || !r.chat.endsWith('@newsletter'))).map((r) => `${r.chat}/${r.id}`);
  }

  async function all(q: string, auth: string): Promise<{ keys: string[]; timestamps: number[] }> {
    const keys: string[] = [];
    const timestamps: number[] = [];
    let cursor: string | null = null;
    do {
      const res = await g.req('GET', `/api/v1/sessions/${sid}/messages/search?q=${encodeURIComponent(q)}&limit=13${cursor ? `&cursor=${cursor}` : ''}`, { auth });
      expect(res.status).toBe(200);
      for (const h of res.body.data) {
        keys.push(`${h.message.chatJid}/${h.message.id}`);
        timestamps.push(h.message.timestamp);
        expect(h.snippet.toLowerCase()).toContain('<mark>pizza</mark>');
      }
      cursor = res.body.nextCursor;
    } while (cursor);
    return { keys, timestamps };
  }

  it('finds every message with the word, once, newest first, across pages', async () => {
    const want = expected(false);
    expect(want.length).toBeGreaterThan(5);
    const got = await all('PIZZA', g.key(['read']));
    expect(new Set(got.keys).size).toBe(got.keys.length);
    expect([...got.keys].sort()).toEqual([...want].sort());
    for (let i = 1; i < got.timestamps.length; i++) expect(got.timestamps[i]!).toBeLessThanOrEqual(got.timestamps[i - 1]!);
  });

  it('includes channel posts for send', async () => {
    const got = await all('pizza', g.key(['read', 'send']));
    expect([...got.keys].sort()).toEqual([...expected(true)].sort());
  });
});
