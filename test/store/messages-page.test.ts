import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { MessageRecord } from '../../src-main/core/types.js';
import { openStore, type Store } from '../../src-main/store/index.js';
import type { MessageKey, MessageRow } from '../../src-main/store/repositories/messages.js';
import { seedSessionRow } from '../helpers/store.js';

const SID = '01JPAGESESSION000000000000';
const CHAT = '120363000000000001@g.us';
const OTHER = '6281234567890@s.whatsapp.net';

function record(i: number, chatJid = CHAT): MessageRecord {
  return {
    waMessageId: `ID${String(i).padStart(5, '0')}`,
    chatJid,
    fromMe: i % 4 === 0,
    senderJid: i % 4 === 0 ? null : `62811${i}@s.whatsapp.net`,
    senderLid: i % 3 === 0 ? `${9000 + i}@lid` : null,
    senderName: i % 5 === 0 ? null : `Sender ${i} ✨`,
    type: i % 7 === 0 ? 'image' : 'text',
    body: `body ${i} — ünïcödé`,
    media: i % 7 === 0 ? { filename: i % 2 ? `f${i}.jpg` : null, mimetype: 'image/jpeg', size: 1000 + i } : null,
    mentions: i % 6 === 0 ? [`62811${i + 1}@s.whatsapp.net`] : [],
    mentionNames: i % 12 === 0 ? { [`62811${i + 1}`]: 'Ana' } : {},
    quotedMessageId: i % 9 === 0 ? `ID${String(i - 1).padStart(5, '0')}` : null,
    // Whole seconds with ties: pages must break them by pk.
    timestamp: 1_700_000_000_000 + Math.floor(i / 3) * 1000,
    ackLevel: i % 6,
    error: i % 6 === 0 ? '463' : null,
    edited: i % 10 === 0,
    deleted: i % 11 === 0,
    placeholder: i % 13 === 0,
    raw: `{"raw":${i}}`,
  };
}

describe('messages.page', () => {
  let dir: string;
  let store: Store;
  const COUNT = 230;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'wagw-store-page-'));
    store = openStore(join(dir, 'gateway.db'));
    store.organizations.create('01JPAGEORG0000000000000000', 'Org', 1);
    seedSessionRow(store, { id: SID, organizationId: '01JPAGEORG0000000000000000', label: 'page' });
    store.transaction(() => {
      for (let i = 0; i < COUNT; i++) {
        store.messages.insert(SID, record(i), 5_000 + i);
        if (i % 10 === 0) store.messages.insert(SID, record(i, OTHER), 5_000 + i);
      }
    });
  });

  afterEach(() => {
    store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** The rows as better-sqlite3's object mode returns them for the same query: what page() returned before. */
  function reference(limit: number, after?: MessageKey): MessageRow[] {
    const cols = `pk, session_id, chat_jid, wa_message_id, from_me, sender_jid, sender_lid, sender_name, type, body,
      media_filename, media_mimetype, media_size, has_media, mentions, mention_names, quoted_message_id, timestamp,
      created_at, ack_level, error, edited, deleted, placeholder`;
    return (
      after
        ? store.db
            .prepare(`SELECT ${cols} FROM messages WHERE session_id = ? AND chat_jid = ? AND (timestamp, pk) < (?, ?) ORDER BY timestamp DESC, pk DESC LIMIT ?`)
            .all(SID, CHAT, after.timestamp, after.pk, limit)
        : store.db
            .prepare(`SELECT ${cols} FROM messages WHERE session_id = ? AND chat_jid = ? ORDER BY timestamp DESC, pk DESC LIMIT ?`)
            .all(SID, CHAT, limit)
    ) as MessageRow[];
  }

  it('returns exactly the rows (values, keys, no raw) that an object-mode query returns', () => {
    const first = store.messages.page(SID, CHAT, 50);
    expect(first).toHaveLength(50);
    expect(first).toStrictEqual(reference(50));
    expect(Object.keys(first[0]!)).toEqual(Object.keys(reference(1)[0]!));
    expect(first.some((r) => 'raw' in r)).toBe(false);
    const last = first[first.length - 1]!;
    const key = { timestamp: last.timestamp, pk: last.pk };
    expect(store.messages.page(SID, CHAT, 50, key)).toStrictEqual(reference(50, key));
  });

  it('walks the whole chat newest first, each message once, never another chat', () => {
    const seen: MessageRow[] = [];
    let after: MessageKey | undefined;
    for (;;) {
      const page = store.messages.page(SID, CHAT, 37, after);
      seen.push(...page);
      if (page.length < 37) break;
      const last = page[page.length - 1]!;
      after = { timestamp: last.timestamp, pk: last.pk };
    }
    expect(seen).toHaveLength(COUNT);
    expect(new Set(seen.map((r) => r.pk)).size).toBe(COUNT);
    expect(seen.every((r) => r.chat_jid === CHAT && r.session_id === SID)).toBe(true);
    for (let i = 1; i < seen.length; i++) {
      const a = seen[i - 1]!;
      const b = seen[i]!;
      expect(a.timestamp > b.timestamp || (a.timestamp === b.timestamp && a.pk > b.pk)).toBe(true);
    }
    // The newest message of the chat comes first, with its stored values.
    const newest = record(COUNT - 1);
    expect(seen[0]).toMatchObject({ wa_message_id: newest.waMessageId, body: newest.body, created_at: 5_000 + COUNT - 1 });
  });

  it('is empty for an unknown chat or past the end', () => {
    expect(store.messages.page(SID, 'nobody@s.whatsapp.net', 50)).toEqual([]);
    expect(store.messages.page(SID, CHAT, 50, { timestamp: 0, pk: 0 })).toEqual([]);
  });
});
