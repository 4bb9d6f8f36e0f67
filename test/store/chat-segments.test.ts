/**
 * chat_segments (migration 012): a stretch only widens (the older start and the newer end win), and an archive
 * from before the migration becomes one stretch per chat over its stored timeline messages.
 */
import { cpSync, mkdtempSync, readdirSync, rmSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { defaultMigrationsDir, openDatabase } from '../../src-main/store/database.js';
import { tempStoreWithSession } from '../helpers/store.js';

const cleanups: (() => void)[] = [];
afterEach(() => {
  while (cleanups.length) cleanups.pop()!();
});

describe('chat segments', () => {
  it('a stretch widens to the older start and the newer end, never narrows', () => {
    const t = tempStoreWithSession();
    cleanups.push(() => t.cleanup());
    const h = t.store.chatHistory;
    const sid = t.session.id;
    h.extendSegment(sid, 'c@s.whatsapp.net', 'c:1', { at: 50, id: 'm50' }, { at: 60, id: 'm60' });
    h.extendSegment(sid, 'c@s.whatsapp.net', 'c:1', { at: 55, id: 'm55' }, { at: 58, id: 'm58' });
    h.extendSegment(sid, 'c@s.whatsapp.net', 'c:1', { at: 40, id: 'm40' }, { at: 45, id: 'm45' });
    h.extendSegment(sid, 'c@s.whatsapp.net', 'c:1', { at: 70, id: 'm70' }, { at: 80, id: 'm80' });
    h.extendSegment(sid, 'c@s.whatsapp.net', 'b:x', { at: 1, id: 'm1' }, { at: 2, id: 'm2' });
    expect(h.segments(sid, 'c@s.whatsapp.net')).toEqual([
      { segment: 'b:x', fromAt: 1, fromId: 'm1', toAt: 2, toId: 'm2' },
      { segment: 'c:1', fromAt: 40, fromId: 'm40', toAt: 80, toId: 'm80' },
    ]);
    // Deleting the chat locally drops its stretches too.
    t.store.chats.ensure(sid, 'c@s.whatsapp.net', 'dm');
    expect(t.store.chats.delete(sid, 'c@s.whatsapp.net')).toBe(true);
    expect(h.segments(sid, 'c@s.whatsapp.net')).toEqual([]);
  });

  it('keeps the backfill anchor and the sync run per session', () => {
    const t = tempStoreWithSession();
    cleanups.push(() => t.cleanup());
    const h = t.store.chatHistory;
    const sid = t.session.id;
    expect(h.backfillAnchor(sid, 'c@s.whatsapp.net')).toBeNull();
    h.markAsked(sid, 'c@s.whatsapp.net', 1000, { waMessageId: 'A', at: 900 });
    expect(h.backfillAnchor(sid, 'c@s.whatsapp.net')).toEqual({ waMessageId: 'A', at: 900 });
    expect(h.marks(sid, 'c@s.whatsapp.net')).toEqual({ startKnown: false, lastBackfillAt: 1000 });
    expect(h.syncRun(sid)).toBeNull();
    h.setSyncRun(sid, 'c:1');
    h.setSyncRun(sid, 'c:2');
    expect(h.syncRun(sid)).toBe('c:2');
  });

  it('migration 012 turns an existing archive into one stretch per chat, reactions left out', () => {
    const dir = mkdtempSync(join(tmpdir(), 'wagw-seg-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const migrations = join(dir, 'migrations');
    cpSync(defaultMigrationsDir(), migrations, { recursive: true });
    // The schema as it was before 012 (and every later migration).
    for (const f of readdirSync(migrations)) if (f >= '012') unlinkSync(join(migrations, f));
    const file = join(dir, 'gateway.db');
    const before = openDatabase(file, { migrationsDir: migrations });
    before.prepare("INSERT INTO organizations (id, name, created_at) VALUES ('o', 'O', 1)").run();
    before.prepare("INSERT INTO sessions (id, organization_id, label, created_at, updated_at) VALUES ('s', 'o', 'l', 1, 1)").run();
    const add = before.prepare(
      "INSERT INTO messages (session_id, chat_jid, wa_message_id, from_me, type, timestamp, created_at, ack_level) VALUES ('s', ?, ?, 0, ?, ?, 1, 0)",
    );
    add.run('a@s.whatsapp.net', 'A2', 'text', 2000);
    add.run('a@s.whatsapp.net', 'A1', 'text', 1000);
    add.run('a@s.whatsapp.net', 'A3', 'image', 3000);
    add.run('a@s.whatsapp.net', 'AR', 'reaction', 9000);
    add.run('g@g.us', 'G1', 'text', 5000);
    before.close();

    cpSync(defaultMigrationsDir(), migrations, { recursive: true });
    const after = openDatabase(file, { migrationsDir: migrations });
    cleanups.push(() => after.close());
    expect(after.prepare('SELECT chat_jid, segment, from_at, from_id, to_at, to_id FROM chat_segments ORDER BY chat_jid').all()).toEqual([
      { chat_jid: 'a@s.whatsapp.net', segment: 'legacy', from_at: 1000, from_id: 'A1', to_at: 3000, to_id: 'A3' },
      { chat_jid: 'g@g.us', segment: 'legacy', from_at: 5000, from_id: 'G1', to_at: 5000, to_id: 'G1' },
    ]);
  });
});
