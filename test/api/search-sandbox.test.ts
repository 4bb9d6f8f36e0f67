/**
 * Search over real HTTP on the sandbox account (its history is ingested through the real mapper and ingestion
 * code): every message holding the word "pizza" (in text, captions, poll options...), each once, newest first,
 * across pages; channel posts only for a credential with send. Accents and prefixes on words the sandbox
 * really writes (its corpus, src-main/whatsapp/sandbox/corpus.ts: "Café Lumen", "Schönes Wochenende!",
 * "¡Feliz cumpleaños!", "Pizzeria Napoli"...): the expected hits are computed from the stored text apart
 * from the index (accents folded by Unicode decomposition), and every word must really occur accented.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';

const WORD = /(^|[^\p{L}\p{N}])pizza($|[^\p{L}\p{N}])/iu;
/** Lower case without accents (what remove_diacritics 2 does to Latin letters with a combining mark). */
const fold = (s: string) => s.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/** A whole word (`prefix` false) or any word starting with it, in folded text. */
const wordIn = (word: string, prefix: boolean) =>
  new RegExp(`(^|[^\\p{L}\\p{N}])${escape(fold(word))}${prefix ? '[\\p{L}\\p{N}]*' : ''}($|[^\\p{L}\\p{N}])`, 'u');

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

  /** Every stored message of the session with its searchable text. */
  function stored(): { id: string; chat: string; text: string }[] {
    return g.store.db
      .prepare(
        `SELECT wa_message_id AS id, chat_jid AS chat, coalesce(body, '') || ' ' || coalesce(search_text, '') || ' ' ||
           coalesce(media_filename, '') || ' ' || coalesce(sender_name, '') AS text
         FROM messages WHERE session_id = ? AND deleted = 0 ORDER BY timestamp DESC, pk DESC`,
      )
      .all(sid) as { id: string; chat: string; text: string }[];
  }

  /** What the archive holds with the word, computed apart from the index. */
  function expected(includeChannels: boolean): string[] {
    const rows = stored();
    return rows.filter((r) => WORD.test(r.text) && (includeChannels || !r.chat.endsWith('@newsletter'))).map((r) => `${r.chat}/${r.id}`);
  }

  async function all(q: string, auth: string, mark: RegExp | null = /<mark>pizza<\/mark>/i): Promise<{ keys: string[]; timestamps: number[] }> {
    const keys: string[] = [];
    const timestamps: number[] = [];
    let cursor: string | null = null;
    do {
      const res = await g.req('GET', `/api/v1/sessions/${sid}/messages/search?q=${encodeURIComponent(q)}&limit=13${cursor ? `&cursor=${cursor}` : ''}`, { auth });
      expect(res.status).toBe(200);
      for (const h of res.body.data) {
        keys.push(`${h.message.chatJid}/${h.message.id}`);
        timestamps.push(h.message.timestamp);
        if (mark) expect(h.snippet).toMatch(mark);
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

  /** Keys of the messages whose folded text holds the word (or a word starting with it), channels included. */
  function holding(word: string, prefix: boolean): string[] {
    const re = wordIn(word, prefix);
    return stored()
      .filter((r) => re.test(fold(r.text)))
      .map((r) => `${r.chat}/${r.id}`);
  }

  it('accents and case: the accented words of the sandbox are found typed plain, in capitals, or accented', async () => {
    const send = g.key(['read', 'send']);
    // word typed plain -> how the sandbox writes it
    const words: [string, RegExp][] = [
      ['cafe', /café/i],
      ['schones', /schönes/i],
      ['cumpleanos', /cumpleaños/i],
    ];
    for (const [word, accented] of words) {
      const want = holding(word, false);
      expect(want.length, `the sandbox writes "${word}"`).toBeGreaterThan(0);
      expect(stored().some((r) => accented.test(r.text)), `the sandbox writes ${accented}`).toBe(true);
      for (const q of [word, word.toUpperCase(), accented.source]) {
        const got = await all(q, send, /<mark>[^<]+<\/mark>/);
        expect([...got.keys].sort(), `q=${q}`).toEqual([...want].sort());
      }
    }
  });

  it('prefix*: every word starting with it, accents folded, on sandbox text', async () => {
    const send = g.key(['read', 'send']);
    for (const prefix of ['pizz', 'caf', 'cumple', 'wochen']) {
      const want = holding(prefix, true);
      expect(want.length, `sandbox words starting with "${prefix}"`).toBeGreaterThan(0);
      const got = await all(`${prefix}*`, send, /<mark>[^<]+<\/mark>/);
      expect(new Set(got.keys).size).toBe(got.keys.length);
      expect([...got.keys].sort(), `q=${prefix}*`).toEqual([...want].sort());
    }
    // The prefix finds more than the whole word: "pizz*" also finds "Pizzeria".
    expect(holding('pizz', true).length).toBeGreaterThan(holding('pizza', false).length);
  });

  it('includes channel posts for send', async () => {
    const got = await all('pizza', g.key(['read', 'send']));
    expect([...got.keys].sort()).toEqual([...expected(true)].sort());
  });
});
