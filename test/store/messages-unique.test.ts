/**
 * Migration 002: messages keep one unique index, UNIQUE (session_id, wa_message_id, chat_jid). Checked on a
 * database written by 001 (rows, pks and uniqueness survive the rebuild) and on the repository's lookups by id
 * alone, which must still pick the oldest row when two chats hold the same id.
 */
import { createMessagesRepository } from '../../src-main/store/repositories/messages.js';
import { createOrganizationsRepository } from '../../src-main/store/repositories/organizations.js';
import { createSessionsRepository } from '../../src-main/store/repositories/sessions.js';
import { cpSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { MessageRecord } from '../../src-main/core/types.js';
import { defaultMigrationsDir, openDatabase } from '../../src-main/store/database.js';
import { createStore } from '../../src-main/store/index.js';
import { tempStoreWithSession } from '../helpers/store.js';

const record = (chatJid: string, waMessageId: string, timestamp: number, body: string): MessageRecord => ({
  waMessageId,
  chatJid,
  fromMe: false,
  senderJid: null,
  senderLid: null,
  senderName: null,
  type: 'text',
  body,
  media: null,
  mentions: [],
  mentionNames: {},
  quotedMessageId: null,
  timestamp,
  ackLevel: 2,
  error: null,
  edited: false,
  deleted: false,
  placeholder: false,
  raw: `{"key":{"id":"${waMessageId}"}}`,
});

const CHANNEL_A = '120363000000000001@newsletter';
const CHANNEL_B = '120363000000000002@newsletter';
const indexesOf = (db: ReturnType<typeof openDatabase>) =>
  (db.prepare("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'messages'").all() as { name: string; sql: string | null }[]);

describe('messages: one unique index (migration 002)', () => {
  const cleanups: (() => void)[] = [];
  afterEach(() => {
    for (const c of cleanups.splice(0)) c();
  });

  it('upgrades a 001 database: same rows and pks, uniqueness per (session, chat, id), one id index left', () => {
    const dir = mkdtempSync(join(tmpdir(), 'wagw-mig002-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const only001 = join(dir, 'migrations');
    mkdirSync(only001);
    cpSync(join(defaultMigrationsDir(), '001_init.sql'), join(only001, '001_init.sql'));
    const file = join(dir, 'gateway.db');

    // The repositories of a 001 build (this build's whole store expects the later migrations' tables).
    const oldDb = openDatabase(file, { migrationsDir: only001 });
    const old = {
      organizations: createOrganizationsRepository(oldDb),
      messages: createMessagesRepository(oldDb),
      close: () => oldDb.close(),
    };
    old.organizations.create('org', 'Personal', 1);
    // The session row as 001 knows it (today's repository writes columns later migrations add).
    oldDb.prepare(`INSERT INTO sessions (id, organization_id, label, created_at, updated_at) VALUES ('s1', 'org', 't', 1, 1)`).run();
    const pkA = old.messages.insert('s1', record(CHANNEL_A, 'POST1', 1_000, 'a'), 1);
    const pkB = old.messages.insert('s1', record(CHANNEL_B, 'POST1', 2_000, 'b'), 1);
    old.close();

    const db = openDatabase(file);
    const store = createStore(db);
    cleanups.push(() => store.close());
    expect(store.messages.find('s1', CHANNEL_A, 'POST1')).toMatchObject({ pk: pkA, body: 'a' });
    expect(store.messages.find('s1', CHANNEL_B, 'POST1')).toMatchObject({ pk: pkB, body: 'b' });
    // Still unique per chat: a redelivery is ignored, another channel's post with the same id is not.
    expect(store.messages.insert('s1', record(CHANNEL_A, 'POST1', 3_000, 'again'), 1)).toBeNull();
    expect(store.messages.insert('s1', record('120363000000000003@newsletter', 'POST1', 3_000, 'c'), 1)).not.toBeNull();
    // New rows continue after the old pks (keyset paging relies on pk order).
    expect(store.messages.insert('s1', record(CHANNEL_A, 'POST2', 4_000, 'd'), 1)!).toBeGreaterThan(pkB!);
    const names = indexesOf(db).map((i) => i.name).sort();
    // messages_reactions (migration 006) and messages_unresolved_sender (migration 007) are partial indexes
    // (reaction rows; rows whose sender lacks a phone JID), not id indexes.
    expect(names).toEqual(['messages_page', 'messages_reactions', 'messages_unresolved_sender', 'sqlite_autoindex_messages_1']);
    expect(db.prepare("SELECT sql FROM sqlite_master WHERE name = 'messages'").get()).toMatchObject({
      sql: expect.stringContaining('UNIQUE (session_id, wa_message_id, chat_jid)'),
    });
  });

  it('lookups by id alone pick the oldest row whatever the chats sort as, and use the unique index', () => {
    const t = tempStoreWithSession();
    cleanups.push(() => t.cleanup());
    const sid = t.session.id;
    // Inserted so that pk order and chat order disagree.
    const first = t.store.messages.insert(sid, record(CHANNEL_B, 'SAME', 1_000, 'older'), 1)!;
    t.store.messages.insert(sid, record(CHANNEL_A, 'SAME', 2_000, 'newer'), 1);
    expect(t.store.messages.findById(sid, 'SAME')).toMatchObject({ pk: first, body: 'older' });
    expect(t.store.messages.findSummary(sid, null, 'SAME')).toMatchObject({ pk: first, chat_jid: CHANNEL_B });
    expect(t.store.messages.findSummary(sid, CHANNEL_A, 'SAME')).toMatchObject({ chat_jid: CHANNEL_A });
    expect(t.store.messages.raw(sid, 'SAME')).toBe('{"key":{"id":"SAME"}}');
    const plan = t.store.db
      .prepare("EXPLAIN QUERY PLAN SELECT pk FROM messages WHERE session_id = ? AND wa_message_id = ? ORDER BY pk LIMIT 1")
      .all(sid, 'SAME') as { detail: string }[];
    expect(plan.map((p) => p.detail).join(' ')).toContain('sqlite_autoindex_messages_1');
  });

  it('insertMany and insertFast add only new (session, chat, id) rows', () => {
    const t = tempStoreWithSession();
    cleanups.push(() => t.cleanup());
    const sid = t.session.id;
    const dm = '6281111111111@s.whatsapp.net';
    expect(t.store.messages.insertMany(sid, [record(dm, 'A', 1, 'a'), record(dm, 'B', 2, 'b'), record(dm, 'A', 3, 'dup')], 5)).toBe(2);
    expect(t.store.messages.insertFast(sid, record(dm, 'B', 4, 'dup'), 5)).toBeNull();
    expect(t.store.messages.count(sid, dm)).toBe(2);
    expect(t.store.messages.find(sid, dm, 'A')).toMatchObject({ body: 'a', created_at: 5 });
  });
});
