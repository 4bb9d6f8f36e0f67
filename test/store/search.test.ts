import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ValidationError } from '../../src-main/core/errors.js';
import type { MessageRecord } from '../../src-main/core/types.js';
import { defaultMigrationsDir, loadMigrations, openDatabase } from '../../src-main/store/database.js';
import { openStore } from '../../src-main/store/index.js';
import { createMessagesRepository, type MessageKey } from '../../src-main/store/repositories/messages.js';
import { createOrganizationsRepository } from '../../src-main/store/repositories/organizations.js';
import { createSessionsRepository } from '../../src-main/store/repositories/sessions.js';
import { filterKey, type SearchFilters } from '../../src-main/store/repositories/search.js';
import { runSearchBackfill } from '../../src-main/store/search-backfill.js';
import { parseSearchQuery } from '../../src-main/store/search-query.js';
import { tempStoreWithSession, type TempStore } from '../helpers/store.js';

/**
 * Migration 003 is numbered after the message-index migration 002 of the ingestion work, which lands on
 * another branch. Until both are merged, run these tests against 001 + an empty 002 + 003 (the real 002,
 * when present, is used as is).
 */
let migrationsDir: string | null = null;
const previousEnv = process.env.WAGW_MIGRATIONS_DIR;
beforeAll(() => {
  const bundled = defaultMigrationsDir();
  const files = readdirSync(bundled);
  if (files.some((f) => f.startsWith('002_'))) return;
  migrationsDir = mkdtempSync(join(tmpdir(), 'wagw-search-migrations-'));
  for (const f of files) copyFileSync(join(bundled, f), join(migrationsDir, f));
  writeFileSync(join(migrationsDir, '002_placeholder.sql'), '-- stands in for the message-index migration of another branch\n');
  process.env.WAGW_MIGRATIONS_DIR = migrationsDir;
  expect(loadMigrations().map((m) => m.name)).toContain('003_message_search');
});
afterAll(() => {
  if (previousEnv === undefined) delete process.env.WAGW_MIGRATIONS_DIR;
  else process.env.WAGW_MIGRATIONS_DIR = previousEnv;
  if (migrationsDir) rmSync(migrationsDir, { recursive: true, force: true });
});

const GROUP = '120363000000000001@g.us';
const DM = '6281234567890@s.whatsapp.net';
const CHANNEL = '120363999999999999@newsletter';
const T0 = 1_700_000_000_000;
const ALL: SearchFilters = { includeChannels: true };

let n = 0;
function rec(body: string, over: Partial<MessageRecord> = {}): MessageRecord {
  n++;
  return {
    waMessageId: `M${String(n).padStart(6, '0')}`,
    chatJid: GROUP,
    fromMe: false,
    senderJid: '62811111@s.whatsapp.net',
    senderLid: null,
    senderName: 'Zed',
    type: 'text',
    body,
    media: null,
    mentions: [],
    mentionNames: {},
    quotedMessageId: null,
    timestamp: T0 + n * 1000,
    ackLevel: 3,
    error: null,
    edited: false,
    deleted: false,
    placeholder: false,
    raw: null,
    ...over,
  };
}

describe('store.search', () => {
  let t: TempStore & { session: { id: string } };
  let sid: string;
  const add = (body: string, over: Partial<MessageRecord> = {}) => t.store.messages.insert(sid, rec(body, over))!;
  const find = (q: string, filters: SearchFilters = ALL, limit = 50, after?: MessageKey) =>
    t.store.search.search(sid, parseSearchQuery(q), filters, limit, after);
  const bodies = (q: string, filters: SearchFilters = ALL) => find(q, filters).map((h) => h.message.body);

  beforeEach(() => {
    t = tempStoreWithSession();
    sid = t.session.id;
    t.store.chats.ensure(sid, GROUP, 'group', 'Family');
  });
  afterEach(() => t.cleanup());

  it('finds words regardless of accents and case, newest first, with chat and HTML-safe snippet', () => {
    add('Schönes Wetter heute');
    add('SCHONES wochenende <b>!</b>');
    add('nothing here');
    expect(bodies('schones')).toEqual(['SCHONES wochenende <b>!</b>', 'Schönes Wetter heute']);
    expect(bodies('WETTER')).toEqual(['Schönes Wetter heute']);
    expect(bodies('Schönes')).toHaveLength(2);
    const [hit] = find('wochenende');
    expect(hit!.snippet).toBe('SCHONES <mark>wochenende</mark> &lt;b&gt;!&lt;/b&gt;');
    expect(hit!.chat.jid).toBe(GROUP);
    expect(hit!.chat).toEqual({ jid: GROUP, name: 'Family', type: 'group' });
    expect(hit!.message.session_id).toBe(sid);
  });

  it('requires all words; supports prefix and exact phrase', () => {
    add('the quick brown fox');
    add('quick thinking');
    add('brown quick fox');
    expect(bodies('quick fox')).toEqual(['brown quick fox', 'the quick brown fox']);
    expect(bodies('"quick brown"')).toEqual(['the quick brown fox']);
    expect(bodies('thin*')).toEqual(['quick thinking']);
    expect(bodies('qu* "brown fox"')).toEqual(['the quick brown fox']);
    expect(bodies('quick missing')).toEqual([]);
  });

  it('finds CJK, Hangul and Thai inside unsegmented text (long and short words), mixed with Latin', () => {
    add('明天我们去東京都看看');
    add('来週東京に行きます Tokyo trip');
    add('서울에서 만나요');
    add('ไปเที่ยวกรุงเทพ');
    expect(bodies('東京都')).toEqual(['明天我们去東京都看看']);
    expect(bodies('東京')).toEqual(['来週東京に行きます Tokyo trip', '明天我们去東京都看看']);
    expect(bodies('東京 tokyo')).toEqual(['来週東京に行きます Tokyo trip']);
    expect(bodies('서울')).toEqual(['서울에서 만나요']);
    expect(bodies('กรุงเทพ')).toEqual(['ไปเที่ยวกรุงเทพ']);
    expect(find('東京都')[0]!.snippet).toContain('<mark>');
  });

  it('indexes document file names, sender names and the search_text hook', () => {
    const pk = add('', { type: 'document', media: { filename: 'Quarterly_Report.pdf', mimetype: 'application/pdf', size: 10 } });
    add('hello', { senderName: 'José Ñúñez' });
    expect(find('quarterly').map((h) => h.message.pk)).toEqual([pk]);
    expect(bodies('nunez jose')).toEqual(['hello']);
    const poll = add('');
    t.store.db.prepare('UPDATE messages SET search_text = ? WHERE pk = ?').run('Where shall we eat? Pizza Sushi', poll);
    expect(find('sushi').map((h) => h.message.pk)).toEqual([poll]);
  });

  it('keeps in step with edits, revokes, deletes of messages and chats, and placeholders', () => {
    const a = add('original wording');
    const b = add('to be revoked secret');
    add('dm message alpha', { chatJid: DM });
    add('group message alpha');
    t.store.messages.setEdited(a, 'edited phrasing');
    expect(bodies('original')).toEqual([]);
    expect(bodies('phrasing')).toEqual(['edited phrasing']);
    t.store.messages.setDeleted(b);
    expect(bodies('secret')).toEqual([]);
    t.store.messages.raiseAck(a, 4); // not an indexed column: nothing changes
    expect(bodies('phrasing')).toEqual(['edited phrasing']);
    expect(bodies('alpha')).toHaveLength(2);
    t.store.messages.removeChat(sid, DM);
    expect(bodies('alpha')).toEqual(['group message alpha']);
    t.store.messages.remove(a);
    expect(bodies('phrasing')).toEqual([]);
    const p = add('', { placeholder: true });
    t.store.messages.replacePlaceholder(p, sid, rec('decrypted at last'));
    expect(find('decrypted').map((h) => h.message.pk)).toEqual([p]);
  });

  it('finds the searchText of a record (poll options) through both inserts, and shows it in the snippet', () => {
    add('Lunch?', { type: 'poll', searchText: 'Pizza, Sushi' });
    expect(t.store.messages.insertFast(sid, rec('Dinner?', { type: 'poll', searchText: 'Rendang, Sushi' }), T0)).not.toBeNull();
    expect(bodies('sushi')).toEqual(['Dinner?', 'Lunch?']);
    expect(find('rendang')[0]!.snippet).toBe('<mark>Rendang</mark>, Sushi');
    // A placeholder (undecryptable at first) replaced by the real poll gets its options too.
    const ph = add('', { type: 'unknown', placeholder: true });
    t.store.messages.replacePlaceholder(ph, sid, rec('Later?', { type: 'poll', searchText: 'Gudeg, Soto' }));
    expect(bodies('gudeg')).toEqual(['Later?']);
  });

  it('filters by chat and sender inside the index: user text never matches a filter token, snippets never show one', () => {
    const dmKey = filterKey('c', DM);
    add(`typed ${dmKey} here`, { chatJid: GROUP });
    add('token test in dm', { chatJid: DM, senderJid: DM, senderLid: '555@lid' });
    add('token test in group', { chatJid: GROUP });
    // The key text in a message body is just a word of that message, not a chat.
    expect(bodies(dmKey)).toEqual([`typed ${dmKey} here`]);
    expect(bodies('token', { ...ALL, chatJid: DM })).toEqual(['token test in dm']);
    // With the filter tokens matched too, the snippet still comes from the text (they are the last columns).
    expect(find('token', { ...ALL, chatJid: DM, senderJid: DM })[0]!.snippet).toBe('<mark>token</mark> test in dm');
    expect(bodies(dmKey, { ...ALL, chatJid: DM })).toEqual([]);
    // Searching for the key of the DM chat does not find the DM's messages (keys are not user-searchable).
    expect(bodies(filterKey('c', DM).toLowerCase())).toEqual([`typed ${dmKey} here`]);
    expect(bodies('token', { ...ALL, senderJid: '555@lid' })).toEqual(['token test in dm']);
    expect(bodies('token', { ...ALL, senderJid: DM })).toEqual(['token test in dm']);
    // A JID whose hex is the tail of another's (trigram table: substring semantics) does not match it.
    add('東京タワー 一', { chatJid: '21@g.us' });
    add('東京タワー 二', { chatJid: '1@g.us' });
    expect(bodies('東京タワー', { ...ALL, chatJid: '1@g.us' })).toEqual(['東京タワー 二']);
    expect(bodies('東京', { ...ALL, chatJid: '1@g.us' })).toEqual(['東京タワー 二']);
    for (const h of [...find('token'), ...find('東京タワー')]) expect(h.snippet).toContain('<mark>');
    // A message moved to another chat (LID -> phone merge) is found under its new chat.
    const moved = add('moving target', { chatJid: '777@lid' });
    t.store.db.prepare('UPDATE messages SET chat_jid = ? WHERE pk = ?').run(DM, moved);
    expect(bodies('moving', { ...ALL, chatJid: DM })).toEqual(['moving target']);
    expect(bodies('moving', { ...ALL, chatJid: '777@lid' })).toEqual([]);
  });

  it('applies filters: chat, sender, type, media, before/after, channels', () => {
    add('filter word one', { chatJid: DM, senderJid: DM });
    add('filter word two', { type: 'image', media: { filename: null, mimetype: 'image/jpeg', size: 1 } });
    add('filter word three', { senderJid: null, senderLid: '999@lid' });
    const post = add('filter word channel', { chatJid: CHANNEL, senderJid: null });
    expect(bodies('filter', { includeChannels: false })).toEqual(['filter word three', 'filter word two', 'filter word one']);
    expect(find('filter', ALL)[0]!.message.pk).toBe(post);
    expect(find('filter', ALL)[0]!.chat.type).toBe('channel');
    expect(bodies('filter', { ...ALL, chatJid: DM })).toEqual(['filter word one']);
    expect(bodies('filter', { ...ALL, senderJid: '999@lid' })).toEqual(['filter word three']);
    expect(bodies('filter', { ...ALL, type: 'image' })).toEqual(['filter word two']);
    expect(bodies('filter', { ...ALL, hasMedia: true })).toEqual(['filter word two']);
    expect(bodies('filter', { ...ALL, hasMedia: false, includeChannels: false })).toEqual(['filter word three', 'filter word one']);
    const ts = find('two')[0]!.message.timestamp;
    expect(bodies('filter', { ...ALL, before: ts })).toEqual(['filter word one']);
    expect(bodies('filter', { ...ALL, after: ts, includeChannels: false })).toEqual(['filter word three']);
    expect(bodies('filter', { ...ALL, after: ts - 1, before: ts + 1 })).toEqual(['filter word two']);
    // Sub-second bounds are exact.
    expect(bodies('filter', { ...ALL, after: ts - 999, before: ts + 999 })).toEqual(['filter word two']);
    // Another session sees nothing of this one.
    const other = t.seedSession();
    expect(t.store.search.search(other.id, parseSearchQuery('filter'), ALL, 10)).toEqual([]);
  });

  it('pages with a (timestamp, pk) cursor: no duplicates, none skipped, while messages arrive (also old ones)', () => {
    for (let i = 0; i < 57; i++) add(`page item ${i}`, { timestamp: T0 + Math.floor(i / 4) * 1000 }); // ties
    const seen: number[] = [];
    let after: MessageKey | undefined;
    let round = 0;
    for (;;) {
      const page = find('page', ALL, 10, after);
      if (page.length === 0) break;
      seen.push(...page.map((h) => h.message.pk));
      const last = page[page.length - 1]!.message;
      after = { timestamp: last.timestamp, pk: last.pk };
      // New live messages (newer than everything) and a late history message (older than the cursor).
      add(`page live ${round}`, { timestamp: T0 + 10_000_000 + round * 1000 });
      if (round === 2) add('page history', { timestamp: T0 - 5000 });
      round++;
    }
    expect(new Set(seen).size).toBe(seen.length);
    const expected = t.store.db
      .prepare("SELECT pk FROM messages WHERE body LIKE 'page item%' OR body = 'page history' ORDER BY timestamp DESC, pk DESC")
      .pluck()
      .all() as number[];
    expect(seen.filter((pk) => expected.includes(pk))).toEqual(expected);
  });

  it('queues what is stored and indexes it in key order before a search; history in any time order', () => {
    const pks: number[] = [];
    t.store.transaction(() => {
      for (let i = 0; i < 600; i++) {
        // History-sync order: timestamps jumping back and forth.
        pks.push(add(`history shuffle ${i}`, { timestamp: T0 + ((i * 7919) % 600) * 1000 }));
      }
    });
    expect(t.store.search.backfillProgress().queued).toBe(600);
    const all = find('shuffle', ALL, 1000);
    expect(t.store.search.backfillProgress().queued).toBe(0);
    expect(all).toHaveLength(600);
    const ts = all.map((h) => h.message.timestamp);
    expect(ts).toEqual([...ts].sort((a, b) => b - a));
    // The indexing step drains the queue too, and leaves nothing for the next search.
    add('queued then stepped');
    expect(t.store.search.backfill(10)).toMatchObject({ queued: 0, finished: true });
    expect(bodies('stepped')).toEqual(['queued then stepped']);
  });

  it('hostile queries give a clean result or a ValidationError, never an SQLite error', () => {
    add('cats or dogs near the body');
    const hostile = [
      '"unbalanced',
      'cats OR dogs',
      'NOT cats',
      'NEAR(cats dogs)',
      'body:cats',
      'sender_name:x',
      '*',
      '^cats',
      'cats AND',
      '(cats',
      '-cats',
      '+',
      '"" ""',
      'x'.repeat(10_240),
      '東"京',
      '%_\\',
      '\u0000',
    ];
    for (const q of hostile) {
      try {
        const hits = find(q);
        expect(Array.isArray(hits), q).toBe(true);
      } catch (e) {
        expect(e, q.slice(0, 20)).toBeInstanceOf(ValidationError);
      }
    }
    expect(bodies('cats OR dogs')).toEqual(['cats or dogs near the body']);
    expect(() => find('')).toThrow(ValidationError);
  });
});

describe('search backfill', () => {
  it('indexes rows stored before migration 003 in batches, with progress, while new rows arrive', async () => {
    // A database at 002 (no search), with messages, then opened by this build (applies 003 and later).
    const dir = mkdtempSync(join(tmpdir(), 'wagw-search-backfill-'));
    const bundled = process.env.WAGW_MIGRATIONS_DIR ?? defaultMigrationsDir();
    const before = join(dir, 'migrations-before');
    mkdirSync(before);
    for (const f of readdirSync(bundled).filter((f) => /^00[12]_/.test(f))) copyFileSync(join(bundled, f), join(before, f));
    const dbPath = join(dir, 'gateway.db');
    try {
      // The repositories of an older build (this build's store expects migration 003's tables).
      const oldDb = openDatabase(dbPath, { migrationsDir: before });
      const old = {
        organizations: createOrganizationsRepository(oldDb),
        messages: createMessagesRepository(oldDb),
        transaction: (fn: () => void) => oldDb.transaction(fn)(),
      };
      old.organizations.create('org_b', 'B', 1);
      // The session row as the old schema knows it (today's repository writes columns later migrations add).
      oldDb.prepare(`INSERT INTO sessions (id, organization_id, label, created_at, updated_at) VALUES ('sess_b', 'org_b', 'b', 1, 1)`).run();
      old.transaction(() => {
        for (let i = 0; i < 250; i++) old.messages.insert('sess_b', rec(`archived message ${i} ${i % 2 ? '東京都' : 'Grüße'}`));
        old.messages.insert('sess_b', rec('archived but revoked', { deleted: true }));
      });
      oldDb.close();

      const store = openStore(dbPath, { backgroundCheckpoints: false });
      try {
        const q = parseSearchQuery('archived');
        expect(store.search.search('sess_b', q, ALL, 10)).toEqual([]);
        expect(store.search.backfillProgress()).toEqual({ done: 0, total: 251, queued: 0, finished: false });
        // What a search answer says meanwhile (`index`): the archived rows are not findable yet.
        expect(store.search.indexState()).toEqual({ complete: false, pending: 251 });
        const live = store.messages.insert('sess_b', rec('archived live one'))!;
        expect(store.search.backfillProgress().queued).toBe(1);
        expect(store.search.indexState()).toEqual({ complete: false, pending: 252 });
        const first = store.search.backfill(100);
        expect(first).toEqual({ done: 100, total: 251, queued: 0, finished: false });
        expect(store.search.indexState()).toEqual({ complete: false, pending: 151 });
        // Newest pk first: the live row and the newest archived rows are findable already.
        expect(store.search.search('sess_b', q, ALL, 2).map((h) => h.message.pk)[0]).toBe(live);
        // An archived row edited before the backfill reaches it: indexed by the trigger, then once more by the backfill.
        const oldest = store.db.prepare('SELECT min(pk) FROM messages').pluck().get() as number;
        store.messages.setEdited(oldest, 'archived message edited');
        const lines: string[] = [];
        const end = await runSearchBackfill(store, { batchSize: 64, log: (m) => lines.push(m) });
        expect(end).toEqual({ done: 251, total: 251, queued: 0, finished: true });
        expect(lines.at(-1)).toMatch(/251 \/ 251 \(100 %/);
        expect(store.search.backfill(100)).toEqual(end);
        expect(store.search.indexState()).toEqual({ complete: true, pending: 0 });
        const all = store.search.search('sess_b', q, ALL, 1000);
        expect(all).toHaveLength(251); // 250 archived + live, not the revoked one, no duplicates
        expect(new Set(all.map((h) => h.message.pk)).size).toBe(251);
        expect(store.search.search('sess_b', parseSearchQuery('GRUẞE'), ALL, 1000)).toHaveLength(124); // ü folded (ß is kept: no ss); the oldest was edited
        expect(store.search.search('sess_b', parseSearchQuery('東京'), ALL, 1000)).toHaveLength(125);
        expect(store.search.search('sess_b', parseSearchQuery('edited'), ALL, 10).map((h) => h.message.pk)).toEqual([oldest]);
      } finally {
        store.close();
      }
    } finally {
      if (existsSync(dir)) rmSync(dir, { recursive: true, force: true });
    }
  });
});
