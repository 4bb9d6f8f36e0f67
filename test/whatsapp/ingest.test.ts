/**
 * Ingestion against the real thing: Baileys' own event buffer (makeEventBuffer, buffer/emit/flush), Baileys'
 * own processMessage for the follow-up events a revoke/edit/reaction really produces, and a real SQLite
 * store in a temp directory.
 */
import { makeEventBuffer, proto, type BaileysEventMap, type WAMessage, type WAMessageKey } from '@whiskeysockets/baileys';
import processMessage from '@whiskeysockets/baileys/lib/Utils/process-message.js';
import { pino } from 'pino';
import { afterEach, beforeAll, afterAll, describe, expect, it } from 'vitest';
import { tempStoreWithSession } from '../helpers/store.js';
import type { GatewayEvent, GatewayEventOf, RealtimeEventName } from '../../src-main/core/events.js';
import type { Message } from '../../src-main/core/types.js';
import type { Store } from '../../src-main/store/index.js';
import { rowToMessage } from '../../src-main/store/repositories/messages.js';
import { createIngestor, type GatewayIngestor } from '../../src-main/whatsapp/ingest/index.js';
import type { SocketLike } from '../../src-main/whatsapp/socket.js';
import {
  ALICE,
  BASE_SECONDS,
  BOB,
  CAROL,
  CHANNEL,
  DAVE,
  GROUP,
  ME,
  at,
  buildCorpus,
  buildNonMessages,
  editOf,
  revokeOf,
  setupContacts,
  setupMapping,
  textMessage,
  wm,
  type FixtureCase,
} from '../fixtures/baileys/corpus.js';

const SID = 'sess_01';
const ORG = 'org_01';
const NOW = 1_800_000_000_000;
const silent = pino({ level: 'silent' });
type Buffer = ReturnType<typeof makeEventBuffer>;

interface Harness {
  dir: string;
  store: Store;
  ingestor: GatewayIngestor;
  ev: Buffer;
  published: GatewayEvent[];
  warnings: Record<string, unknown>[];
  detach: () => void;
  /** Emits inside one buffered batch, as Baileys does for each incoming node. */
  batch(fn: () => unknown): Promise<void>;
  /** The socket's upsertMessage + processMessage for one incoming message, in one batch. */
  deliver(msg: WAMessage, type?: 'notify' | 'append'): Promise<void>;
  message(chatJid: string, id: string): Message | undefined;
  events<E extends RealtimeEventName>(name: E): GatewayEventOf<E>[];
  close(): void;
}

function harness(): Harness {
  // The adapter records our identity on the session row when the socket opens.
  const temp = tempStoreWithSession(
    { id: SID, patch: { waJid: ME.pn, waLid: ME.lid, phoneNumber: '15550000001' } },
    { organizationId: ORG },
  );
  const { store, dir } = temp;
  const published: GatewayEvent[] = [];
  const warnings: Record<string, unknown>[] = [];
  const logger = pino({ level: 'warn' }, { write: (line: string) => void warnings.push(JSON.parse(line)) });
  const ingestor = createIngestor({ store, publisher: { publish: (e) => published.push(e) }, logger, now: () => NOW });
  const ev = makeEventBuffer(silent);
  const sock = { ev, user: ME.user } as unknown as SocketLike;
  const detach = ingestor.attach(SID, sock);
  const processCtx = {
    shouldProcessHistoryMsg: false,
    ev,
    creds: { me: { id: ME.user.id, lid: ME.user.lid, name: 'Me Myself' }, accountSettings: { unarchiveChats: false } },
    keyStore: {},
    signalRepository: {},
    logger: silent,
    options: {},
    getMessage: async () => undefined,
  } as unknown as Parameters<typeof processMessage>[1];
  const h: Harness = {
    dir,
    store,
    ingestor,
    ev,
    published,
    warnings,
    detach,
    async batch(fn) {
      ev.buffer();
      try {
        await fn();
      } finally {
        ev.flush();
      }
    },
    deliver(msg, type = 'notify') {
      return h.batch(async () => {
        ev.emit('messages.upsert', { messages: [msg], type });
        await processMessage(msg, processCtx);
      });
    },
    message(chatJid, id) {
      const row = store.messages.find(SID, chatJid, id);
      return row ? rowToMessage(row) : undefined;
    },
    events<E extends RealtimeEventName>(name: E) {
      return published.filter((e) => e.event === name) as unknown as GatewayEventOf<E>[];
    },
    close() {
      detach();
      ev.destroy();
      temp.cleanup();
    },
  };
  return h;
}

async function withSetup(h: Harness): Promise<void> {
  await h.batch(() => {
    h.ev.emit('lid-mapping.update', setupMapping);
    h.ev.emit('contacts.upsert', setupContacts);
  });
}

const count = (store: Store, sql: string, ...params: unknown[]): number =>
  (store.db.prepare(sql).get(...params) as { n: number }).n;

// -------------------------------------------------------------------------------------------------------------

describe('the fixture corpus through a real event buffer into SQLite', () => {
  const corpus = buildCorpus();
  const nonMessages = buildNonMessages();
  let h: Harness;

  beforeAll(async () => {
    h = harness();
    await withSetup(h);
    await h.batch(() => {
      h.ev.emit('messages.upsert', { messages: [...corpus.map((c) => c.message), ...nonMessages.map((n) => n.message)], type: 'notify' });
    });
  });
  afterAll(() => h.close());

  it.each(corpus)('stores every field of: $name', ({ expected }: FixtureCase) => {
    const stored = h.message(expected.chatJid, expected.waMessageId);
    expect(stored).toEqual({ ...expected, id: expected.waMessageId, sessionId: SID, createdAt: NOW });
  });

  it('stores nothing for protocol messages, votes, status broadcasts and keyless payloads', () => {
    expect(count(h.store, 'SELECT count(*) AS n FROM messages WHERE session_id = ?', SID)).toBe(corpus.length);
    for (const id of ['NM01', 'NM02', 'NM03', 'NM04']) expect(h.store.messages.findById(SID, id)).toBeUndefined();
  });

  it("announces each new real message once ('message' with the stored Message), placeholders not yet", () => {
    const announced = h.events('message');
    const expectedIds = corpus.filter((c) => !c.placeholder).map((c) => c.expected.waMessageId);
    expect(announced.map((e) => e.payload.waMessageId).sort()).toEqual([...expectedIds].sort());
    for (const e of announced) {
      expect(e.sessionId).toBe(SID);
      expect(e.organizationId).toBe(ORG);
      const { chatJid, waMessageId } = e.payload as unknown as Message;
      expect(e.payload).toEqual(h.message(chatJid, waMessageId));
    }
  });

  it('keeps people, groups and channels apart: chats for dm/group, channels for newsletters', () => {
    const chats = h.store.db.prepare('SELECT jid, type, unread_count, last_message_at FROM chats WHERE session_id = ? ORDER BY jid').all(SID) as {
      jid: string;
      type: string;
      unread_count: number;
      last_message_at: number;
    }[];
    expect(chats.map((c) => [c.jid, c.type])).toEqual(
      [
        [GROUP, 'group'],
        [ME.pn, 'dm'],
        [ALICE.pn, 'dm'],
        [BOB.pn, 'dm'],
        [CAROL.pn, 'dm'],
        [DAVE.lid, 'dm'],
      ].sort((a, b) => (a[0]! < b[0]! ? -1 : 1)),
    );
    const byJid = new Map(chats.map((c) => [c.jid, c]));
    // Incoming, countable messages only: not our own, not system stubs, placeholders, reactions or revoked ones.
    expect(byJid.get(BOB.pn)?.unread_count).toBe(11);
    expect(byJid.get(ALICE.pn)?.unread_count).toBe(4); // FX01, FX06, FX11, FX31 (not the reaction, not the revoked one)
    expect(byJid.get(GROUP)?.last_message_at).toBe(at(28));
    expect(h.store.channels.get(SID, CHANNEL)).toMatchObject({ jid: CHANNEL, lastMessageAt: at(30) });
    expect(h.store.chats.exists(SID, CHANNEL)).toBe(false);
  });

  it('a second delivery of the same batch stores and announces nothing new', async () => {
    const before = h.published.length;
    const rows = count(h.store, 'SELECT count(*) AS n FROM messages');
    const unread = h.store.chats.getRow(SID, BOB.pn)!.unread_count;
    await h.batch(() => {
      h.ev.emit('messages.upsert', { messages: buildCorpus().map((c) => c.message), type: 'notify' });
    });
    expect(count(h.store, 'SELECT count(*) AS n FROM messages')).toBe(rows);
    expect(h.published.slice(before).filter((e) => e.event === 'message')).toEqual([]);
    expect(h.store.chats.getRow(SID, BOB.pn)!.unread_count).toBe(unread);
  });
});

// -------------------------------------------------------------------------------------------------------------

describe('ingestion scenarios', () => {
  let h: Harness;
  afterEach(() => h?.close());

  it('stores a history chunk once, however often it is delivered; no message events, progress published', async () => {
    h = harness();
    const chunk = (): BaileysEventMap['messaging-history.set'] => ({
      chats: [
        proto.Conversation.fromObject({ id: ALICE.lid, pnJid: ALICE.pn, unreadCount: 2, conversationTimestamp: BASE_SECONDS + 5 }),
        proto.Conversation.fromObject({ id: GROUP, name: 'Weekend', unreadCount: 0, conversationTimestamp: BASE_SECONDS + 6, archived: true }),
        proto.Conversation.fromObject({ id: CHANNEL, name: 'News channel' }),
      ] as unknown as BaileysEventMap['messaging-history.set']['chats'],
      contacts: [{ id: ALICE.lid, name: 'Alice A.', phoneNumber: ALICE.pn }],
      messages: [
        textMessage({ remoteJid: ALICE.lid, fromMe: false, id: 'H1' }, 'old one', 1),
        textMessage({ remoteJid: ALICE.lid, fromMe: true, id: 'H2' }, 'old reply', 2, {}, { status: proto.WebMessageInfo.Status.READ }),
        textMessage({ remoteJid: GROUP, fromMe: false, id: 'H3', participant: BOB.pn }, 'group history', 3),
        textMessage({ remoteJid: CHANNEL, fromMe: false, id: '501' }, 'old post', 4),
        wm({
          key: { remoteJid: GROUP, fromMe: false, id: 'H4', participant: BOB.pn },
          message: { conversation: 'liked' },
          messageTimestamp: BASE_SECONDS + 5,
          reactions: [{ key: { remoteJid: GROUP, fromMe: false, id: 'H4R', participant: ALICE.pn }, text: '❤️', senderTimestampMs: at(6) }],
        }),
        wm({ key: { remoteJid: ALICE.lid, fromMe: false, id: 'H5' }, message: { protocolMessage: { type: 3 } } }),
      ],
      lidPnMappings: [{ lid: CAROL.lid, pn: CAROL.pn }],
      syncType: proto.HistorySync.HistorySyncType.INITIAL_BOOTSTRAP,
      progress: 40,
      isLatest: true,
      chunkOrder: 1,
    });

    const first = h.ingestor.applyHistory(SID, chunk());
    expect(first).toMatchObject({ inserted: 6, skipped: 1, failed: 0 });
    const rows = count(h.store, 'SELECT count(*) AS n FROM messages');
    expect(rows).toBe(6); // 5 messages + the materialised reaction
    const second = h.ingestor.applyHistory(SID, chunk());
    expect(second).toMatchObject({ inserted: 0, duplicates: 6, failed: 0 });
    // A fresh event buffer (its own history cache) delivering it again: still nothing twice.
    const ev2 = makeEventBuffer(silent);
    const off = h.ingestor.attach(SID, { ev: ev2, user: ME.user } as unknown as SocketLike);
    ev2.buffer();
    ev2.emit('messaging-history.set', chunk());
    ev2.flush();
    off();
    expect(count(h.store, 'SELECT count(*) AS n FROM messages')).toBe(rows);

    expect(h.events('message')).toEqual([]);
    expect(h.events('sync.progress').map((e) => e.payload)).toEqual([
      { state: 'syncing', progress: 40 },
      { state: 'syncing', progress: 40 },
      { state: 'syncing', progress: 40 },
    ]);
    expect(h.store.sessions.get(SID)).toMatchObject({ sync_state: 'syncing', sync_progress: 40 });

    // The LID conversation was filed under the phone JID; counters and flags are the history's.
    expect(h.store.chats.getRow(SID, ALICE.pn)).toMatchObject({ type: 'dm', unread_count: 2, last_message_at: at(5) });
    expect(h.store.chats.getRow(SID, ALICE.lid)).toBeUndefined();
    expect(h.message(ALICE.pn, 'H2')).toMatchObject({ fromMe: true, ackLevel: 4, senderJid: ME.pn });
    expect(h.store.chats.getRow(SID, GROUP)).toMatchObject({ name: 'Weekend', archived: 1, type: 'group' });
    expect(h.message(GROUP, 'H4R')).toMatchObject({ type: 'reaction', body: '❤️', quotedMessageId: 'H4', senderJid: ALICE.pn });
    expect(h.store.channels.getRow(SID, CHANNEL)).toMatchObject({ name: 'News channel', last_message_at: at(4), following: 1 });
    expect(h.store.chats.exists(SID, CHANNEL)).toBe(false);
    expect(h.store.lidMappings.pnForLid(SID, CAROL.lid)).toBe(CAROL.pn);

    // The bootstrap part's "complete" comes first in a real sync and is not the end of it.
    h.ev.emit('messaging-history.status', {
      syncType: proto.HistorySync.HistorySyncType.INITIAL_BOOTSTRAP,
      status: 'complete',
      explicit: true,
    });
    expect(h.store.sessions.get(SID)).toMatchObject({ sync_state: 'syncing', sync_progress: 40 });
    h.ev.emit('messaging-history.status', {
      syncType: proto.HistorySync.HistorySyncType.RECENT,
      status: 'complete',
      explicit: true,
    });
    expect(h.store.sessions.get(SID)).toMatchObject({ sync_state: 'complete', sync_progress: 100 });
    expect(h.events('sync.progress').at(-1)?.payload).toEqual({ state: 'complete', progress: 100 });
    h.ev.emit('messaging-history.status', { syncType: proto.HistorySync.HistorySyncType.FULL, status: 'paused', explicit: false });
    expect(h.store.sessions.get(SID)).toMatchObject({ sync_state: 'paused', sync_progress: 100 });
  });

  it('applies edits and revokes that arrive inside a history chunk to their targets', () => {
    h = harness();
    const edited = { remoteJid: BOB.pn, fromMe: false, id: 'HE1' };
    const revoked = { remoteJid: BOB.pn, fromMe: false, id: 'HE2' };
    const stats = h.ingestor.applyHistory(SID, {
      chats: [],
      contacts: [],
      messages: [
        textMessage(edited, 'first draft', 1),
        textMessage(revoked, 'oops', 2),
        editOf(edited, 'HE1-EDIT', 'final text', 3),
        revokeOf(revoked, 'HE2-REVOKE', 4),
      ],
      syncType: proto.HistorySync.HistorySyncType.RECENT,
      progress: 50,
      isLatest: false,
      chunkOrder: 1,
    });
    expect(stats).toMatchObject({ inserted: 2, failed: 0 });
    expect(h.message(BOB.pn, 'HE1')).toMatchObject({ body: 'final text', edited: true, deleted: false });
    expect(h.message(BOB.pn, 'HE2')).toMatchObject({ body: 'oops', deleted: true });
    expect(count(h.store, 'SELECT count(*) AS n FROM messages')).toBe(2);
  });

  it('never lowers ackLevel: late receipts and stale errors are ignored, a rise is announced', async () => {
    h = harness();
    const key = { remoteJid: ALICE.pn, fromMe: true, id: 'ACK1' };
    await h.deliver(textMessage(key, 'hello', 1, {}, { status: proto.WebMessageInfo.Status.READ }), 'append');
    expect(h.message(ALICE.pn, 'ACK1')?.ackLevel).toBe(4);
    const statusEvents = () => h.events('message.status').length;

    await h.batch(() => h.ev.emit('messages.update', [{ key, update: { status: proto.WebMessageInfo.Status.DELIVERY_ACK } }]));
    await h.batch(() =>
      h.ev.emit('message-receipt.update', [{ key, receipt: { userJid: ALICE.pn, receiptTimestamp: BASE_SECONDS + 9 } }]),
    );
    await h.batch(() =>
      h.ev.emit('messages.update', [{ key, update: { status: proto.WebMessageInfo.Status.ERROR, messageStubParameters: ['479'] } }]),
    );
    expect(h.message(ALICE.pn, 'ACK1')).toMatchObject({ ackLevel: 4, status: 'read', error: null });
    expect(statusEvents()).toBe(0);

    await h.batch(() => h.ev.emit('messages.update', [{ key, update: { status: proto.WebMessageInfo.Status.PLAYED } }]));
    expect(h.message(ALICE.pn, 'ACK1')).toMatchObject({ ackLevel: 5, status: 'played' });
    expect(h.events('message.status').map((e) => e.payload)).toEqual([
      { waMessageId: 'ACK1', chatJid: ALICE.pn, ackLevel: 5, status: 'played', error: null, edited: false, deleted: false },
    ]);

    // A send still pending that the server rejects: error level and text.
    const failing = { remoteJid: BOB.pn, fromMe: true, id: 'ACK2' };
    await h.deliver(textMessage(failing, 'hi', 2, {}, { status: proto.WebMessageInfo.Status.PENDING }), 'append');
    await h.batch(() =>
      h.ev.emit('messages.update', [
        { key: failing, update: { status: proto.WebMessageInfo.Status.ERROR, messageStubParameters: ['463', 'account restricted'] } },
      ]),
    );
    expect(h.message(BOB.pn, 'ACK2')).toMatchObject({ ackLevel: 0, status: 'error' });
    // The stored error is the readable text of the code (whatsapp/send-errors.ts).
    expect(h.message(BOB.pn, 'ACK2')!.error).toMatch(/^WhatsApp refused this message: the account is restricted.*\(463\)$/);
    // Group receipts raise to read when someone read it.
    const groupKey = { remoteJid: GROUP, fromMe: true, id: 'ACK3', participant: ME.lid };
    await h.deliver(textMessage(groupKey, 'all', 3, {}, { status: proto.WebMessageInfo.Status.SERVER_ACK }), 'append');
    await h.batch(() =>
      h.ev.emit('message-receipt.update', [
        { key: groupKey, receipt: { userJid: BOB.pn, receiptTimestamp: BASE_SECONDS + 10 } },
        { key: groupKey, receipt: { userJid: ALICE.pn, receiptTimestamp: BASE_SECONDS + 10, readTimestamp: BASE_SECONDS + 11 } },
      ]),
    );
    expect(h.message(GROUP, 'ACK3')?.ackLevel).toBe(4);
  });

  it('an edit after a revoke keeps the message deleted (real processMessage event sequence)', async () => {
    h = harness();
    const key: WAMessageKey = { remoteJid: ALICE.pn, fromMe: false, id: 'ORIG1' };
    await h.deliver(textMessage(key, 'original text', 1, { remoteJidAlt: ALICE.lid, addressingMode: 'pn' }, { pushName: 'Alice' }));
    await h.deliver(revokeOf(key, 'REVOKE1', 2, { remoteJidAlt: ALICE.lid, addressingMode: 'pn' }));
    expect(h.message(ALICE.pn, 'ORIG1')).toMatchObject({ deleted: true, body: 'original text', type: 'text', edited: false });
    await h.deliver(editOf(key, 'EDIT1', 'sneaky edit', 3));
    expect(h.message(ALICE.pn, 'ORIG1')).toMatchObject({ deleted: true, body: 'original text', edited: false });
    expect(h.store.messages.findById(SID, 'REVOKE1')).toBeUndefined();
    expect(h.store.messages.findById(SID, 'EDIT1')).toBeUndefined();
    expect(h.events('message.status').map((e) => e.payload.deleted)).toEqual([true]);

    // And an edit that is allowed: same author, not deleted.
    const key2: WAMessageKey = { remoteJid: ALICE.pn, fromMe: false, id: 'ORIG2' };
    await h.deliver(textMessage(key2, 'typo', 4));
    await h.deliver(editOf(key2, 'EDIT2', 'no typo', 5));
    expect(h.message(ALICE.pn, 'ORIG2')).toMatchObject({ body: 'no typo', edited: true, deleted: false });
    // Someone else cannot edit it (fromMe differs from the stored author).
    await h.deliver(editOf({ ...key2, fromMe: true }, 'EDIT3', 'hijacked', 6));
    expect(h.message(ALICE.pn, 'ORIG2')?.body).toBe('no typo');
  });

  it('a message and its revoke in one flushed batch leave one deleted row under the original id', async () => {
    h = harness();
    const key: WAMessageKey = { remoteJid: BOB.pn, fromMe: false, id: 'FOLD1' };
    const original = textMessage(key, 'oops', 1);
    const revoke = revokeOf(key, 'FOLDREV', 2);
    await h.batch(async () => {
      h.ev.emit('messages.upsert', { messages: [original], type: 'notify' });
      h.ev.emit('messages.upsert', { messages: [revoke], type: 'notify' });
      await processMessage(revoke, {
        ev: h.ev,
        creds: { me: { id: ME.user.id } },
        logger: silent,
      } as unknown as Parameters<typeof processMessage>[1]);
    });
    expect(h.store.messages.findById(SID, 'FOLD1')).toMatchObject({ deleted: 1, chat_jid: BOB.pn });
    expect(h.store.messages.findById(SID, 'FOLDREV')).toBeUndefined();
  });

  it('replaces a CIPHERTEXT placeholder with its real content, announcing it once', async () => {
    h = harness();
    const key: WAMessageKey = { remoteJid: BOB.pn, fromMe: false, id: 'PH1' };
    const stub = () =>
      wm({ key, messageStubType: proto.WebMessageInfo.StubType.CIPHERTEXT, messageStubParameters: ['Message absent from node'], messageTimestamp: BASE_SECONDS + 1, pushName: 'Bobby' });
    await h.deliver(stub());
    expect(h.message(BOB.pn, 'PH1')).toMatchObject({ type: 'unknown', body: '', error: 'Message absent from node' });
    expect(h.store.messages.findById(SID, 'PH1')?.placeholder).toBe(1);
    expect(h.events('message')).toEqual([]);
    expect(h.store.chats.getRow(SID, BOB.pn)?.unread_count).toBe(0);

    await h.deliver(wm({ key, message: { imageMessage: { caption: 'finally', mimetype: 'image/png', fileLength: 77 } }, messageTimestamp: BASE_SECONDS + 1, pushName: 'Bobby' }));
    const row = h.store.messages.findById(SID, 'PH1')!;
    expect(row.placeholder).toBe(0);
    expect(count(h.store, 'SELECT count(*) AS n FROM messages WHERE wa_message_id = ?', 'PH1')).toBe(1);
    expect(h.message(BOB.pn, 'PH1')).toMatchObject({
      type: 'image',
      body: 'finally',
      error: null,
      hasMedia: true,
      media: { filename: null, mimetype: 'image/png', size: 77 },
      senderName: 'Bobby',
    });
    expect(h.events('message').map((e) => e.payload.waMessageId)).toEqual(['PH1']);
    expect(h.events('message')[0]!.payload).toEqual(h.message(BOB.pn, 'PH1'));
    expect(h.store.chats.getRow(SID, BOB.pn)?.unread_count).toBe(1);

    // A repeated stub (Baileys issue #1481) changes nothing.
    await h.deliver(stub());
    expect(h.message(BOB.pn, 'PH1')).toMatchObject({ type: 'image', body: 'finally' });
    expect(h.events('message')).toHaveLength(1);
  });

  it('one person, one chat: mapping known before the LID message arrives', async () => {
    h = harness();
    await h.batch(() => h.ev.emit('lid-mapping.update', { lid: DAVE.lid, pn: '15550000009@s.whatsapp.net' }));
    await h.deliver(textMessage({ remoteJid: DAVE.lid, fromMe: false, id: 'LA1' }, 'via lid', 1, { addressingMode: 'lid' }));
    await h.deliver(textMessage({ remoteJid: '15550000009@s.whatsapp.net', fromMe: false, id: 'LA2' }, 'via phone', 2));
    const chats = h.store.db.prepare('SELECT jid FROM chats WHERE session_id = ?').all(SID);
    expect(chats).toEqual([{ jid: '15550000009@s.whatsapp.net' }]);
    expect(h.store.messages.count(SID, '15550000009@s.whatsapp.net')).toBe(2);
    expect(h.message('15550000009@s.whatsapp.net', 'LA1')).toMatchObject({ senderJid: '15550000009@s.whatsapp.net', senderLid: DAVE.lid });
  });

  it('one person, one chat: a LID chat is merged when its phone number is learned later', async () => {
    h = harness();
    const PN = '15550000009@s.whatsapp.net';
    // Phone-form conversation exists already, with one message.
    await h.deliver(textMessage({ remoteJid: PN, fromMe: false, id: 'M0' }, 'phone first', 1));
    // Then LID-addressed messages without a known mapping: a second, LID-form chat.
    await h.deliver(textMessage({ remoteJid: DAVE.lid, fromMe: false, id: 'M1' }, 'lid one', 2, { addressingMode: 'lid' }));
    await h.deliver(textMessage({ remoteJid: DAVE.lid, fromMe: false, id: 'M2' }, 'lid two', 3, { addressingMode: 'lid' }));
    // The same message id delivered in phone form before the merge (a duplicate waiting to happen).
    await h.deliver(textMessage({ remoteJid: PN, fromMe: false, id: 'M2' }, 'lid two', 3));
    expect(h.store.chats.exists(SID, DAVE.lid)).toBe(true);
    expect(h.store.chats.getRow(SID, DAVE.lid)?.unread_count).toBe(2);

    // The mapping arrives with the next message's key (remoteJidAlt).
    await h.deliver(textMessage({ remoteJid: DAVE.lid, fromMe: false, id: 'M3' }, 'now with alt', 4, { remoteJidAlt: PN, addressingMode: 'lid' }));
    expect(h.store.chats.exists(SID, DAVE.lid)).toBe(false);
    expect(h.store.db.prepare('SELECT jid FROM chats WHERE session_id = ?').all(SID)).toEqual([{ jid: PN }]);
    const ids = (h.store.db.prepare('SELECT wa_message_id AS id FROM messages WHERE chat_jid = ? ORDER BY timestamp, pk').all(PN) as { id: string }[]).map(
      (r) => r.id,
    );
    expect(ids).toEqual(['M0', 'M1', 'M2', 'M3']);
    expect(count(h.store, 'SELECT count(*) AS n FROM messages WHERE chat_jid = ?', DAVE.lid)).toBe(0);
    expect(h.store.chats.getRow(SID, PN)).toMatchObject({ unread_count: 4, last_message_at: at(4) });
    expect(h.events('chat.deleted').map((e) => e.payload)).toEqual([{ chatJid: DAVE.lid, mergedInto: PN }]);
    expect(h.store.lidMappings.pnForLid(SID, DAVE.lid)).toBe(PN);
  });

  it('one person, one chat: a mapping stored by someone else is honoured and merges the LID chat', async () => {
    h = harness();
    const PN = '15550000010@s.whatsapp.net';
    await h.deliver(textMessage({ remoteJid: DAVE.lid, fromMe: false, id: 'X1' }, 'before', 1));
    h.store.lidMappings.put(SID, DAVE.lid, PN); // e.g. the adapter, from Baileys' own LID store
    await h.deliver(textMessage({ remoteJid: DAVE.lid, fromMe: false, id: 'X2' }, 'after', 2));
    expect(h.store.chats.exists(SID, DAVE.lid)).toBe(false);
    expect(h.store.messages.count(SID, PN)).toBe(2);
  });

  it('skips a throwing or garbage payload, logs it with the session id, and keeps the rest of the batch', async () => {
    h = harness();
    // Through the real buffer: payloads odd enough to break our code, but not Baileys' own buffering.
    const explodingKey = {
      remoteJid: BOB.pn,
      id: 'BAD1',
      fromMe: false,
      get remoteJidAlt(): never {
        throw new Error('exploding payload');
      },
    };
    await h.batch(() => {
      h.ev.emit('contacts.upsert', [{ id: 42 }, { id: 'not a jid', notify: 'x' }, { id: BOB.pn, notify: 'Bobby' }] as never);
      h.ev.emit('messages.upsert', {
        messages: [
          textMessage({ remoteJid: BOB.pn, fromMe: false, id: 'OK1' }, 'first', 1),
          { key: explodingKey, message: { conversation: 'never stored' } },
          { key: { remoteJid: BOB.pn, id: 'BAD2', fromMe: false }, message: { protocolMessage: 'garbage' } },
          textMessage({ remoteJid: BOB.pn, fromMe: false, id: 'OK2' }, 'second', 2),
        ] as unknown as WAMessage[],
        type: 'notify',
      });
      h.ev.emit('chats.update', [{ id: 12 }, { id: BOB.pn, archived: true }] as never);
    });
    expect(h.message(BOB.pn, 'OK1')?.body).toBe('first');
    expect(h.message(BOB.pn, 'OK2')?.body).toBe('second');
    expect(h.store.messages.findById(SID, 'BAD1')).toBeUndefined();
    expect(h.store.messages.findById(SID, 'BAD2')).toBeUndefined();
    expect(h.events('message').map((e) => e.payload.waMessageId)).toEqual(['OK1', 'OK2']);
    expect(h.store.chats.getRow(SID, BOB.pn)).toMatchObject({ archived: 1, name: 'Bobby' });
    const skipped = h.warnings.filter((w) => w.sessionId === SID && w.level === 40);
    expect(skipped).toHaveLength(1);
    expect(JSON.stringify(skipped[0])).toContain('exploding payload');

    // Straight into the ingestor (no buffer to trip over first): outright garbage among good items.
    const exploding = {
      get key(): never {
        throw new Error('exploding key');
      },
    };
    const stats = h.ingestor.handle(SID, {
      'messages.upsert': {
        messages: [null, 42, { key: null }, exploding, textMessage({ remoteJid: BOB.pn, fromMe: false, id: 'OK3' }, 'third', 3)],
        type: 'notify',
      } as never,
      'messages.update': [null, { key: null, update: null }, { key: { remoteJid: BOB.pn, id: 'OK1' }, update: 7 }] as never,
      'message-receipt.update': [{ key: { id: 'OK1' }, receipt: 'x' }] as never,
      'chats.delete': [null, 5] as never,
      'contacts.update': 'not a list' as never,
    });
    expect(stats.inserted).toBe(1);
    expect(stats.failed).toBeGreaterThanOrEqual(2);
    expect(h.message(BOB.pn, 'OK3')?.body).toBe('third');
    expect(h.message(BOB.pn, 'OK1')?.body).toBe('first');
    expect(h.warnings.some((w) => w.sessionId === SID && JSON.stringify(w).includes('exploding key'))).toBe(true);
    expect(() => h.ingestor.handle(SID, { 'messages.upsert': 'nope' } as never)).not.toThrow();
    expect(() => h.ingestor.handle(SID, null as never)).not.toThrow();
    expect(() => h.ingestor.handle(SID, { 'messaging-history.set': { messages: [null, 5] } } as never)).not.toThrow();
    expect(() => h.ingestor.handle('no_such_session', { 'messages.upsert': { messages: [textMessage({ remoteJid: BOB.pn, id: 'Z' }, 'z', 1)], type: 'notify' } })).not.toThrow();
    expect(h.store.messages.findById('no_such_session', 'Z')).toBeUndefined();
  });

  it('announces only rows really inserted: a redelivery or the echo of our own pending send is not news', async () => {
    h = harness();
    await h.deliver(textMessage({ remoteJid: BOB.pn, fromMe: false, id: 'N1' }, 'hi', 1));
    await h.deliver(textMessage({ remoteJid: BOB.pn, fromMe: false, id: 'N1' }, 'hi', 1));
    expect(h.events('message')).toHaveLength(1);

    // The send service stores our message as pending before sending; the 'append' echo must not duplicate it.
    h.store.chats.ensure(SID, BOB.pn, 'dm');
    h.store.messages.insert(SID, {
      waMessageId: 'OUT1',
      chatJid: BOB.pn,
      fromMe: true,
      senderJid: ME.pn,
      senderLid: ME.lid,
      senderName: null,
      type: 'text',
      body: 'sent by API',
      media: null,
      mentions: [],
      mentionNames: {},
      quotedMessageId: null,
      timestamp: at(2),
      ackLevel: 1,
      error: null,
      edited: false,
      deleted: false,
      placeholder: false,
      raw: null,
    });
    await h.deliver(textMessage({ remoteJid: BOB.pn, fromMe: true, id: 'OUT1' }, 'sent by API', 2, {}, { status: proto.WebMessageInfo.Status.SERVER_ACK }), 'append');
    expect(h.events('message')).toHaveLength(1);
    expect(count(h.store, 'SELECT count(*) AS n FROM messages WHERE wa_message_id = ?', 'OUT1')).toBe(1);
    expect(h.message(BOB.pn, 'OUT1')?.ackLevel).toBe(2);
    expect(h.store.messages.raw(SID, 'OUT1')).toContain('sent by API');
    expect(h.events('message.status').map((e) => e.payload.ackLevel)).toEqual([2]);
  });

  it('counts unread once per incoming message (Baileys also emits chats.update +1) and applies read/unread marks', async () => {
    h = harness();
    await h.deliver(textMessage({ remoteJid: BOB.pn, fromMe: false, id: 'U1' }, 'one', 1));
    await h.deliver(textMessage({ remoteJid: BOB.pn, fromMe: false, id: 'U2' }, 'two', 2));
    await h.deliver(textMessage({ remoteJid: BOB.pn, fromMe: true, id: 'U3' }, 'mine', 3));
    expect(h.store.chats.getRow(SID, BOB.pn)).toMatchObject({ unread_count: 2, last_message_at: at(3) });
    // Offline messages come as 'append' and are unread as well.
    await h.deliver(textMessage({ remoteJid: BOB.pn, fromMe: false, id: 'U4' }, 'while offline', 4), 'append');
    expect(h.store.chats.getRow(SID, BOB.pn)?.unread_count).toBe(3);

    await h.batch(() => h.ev.emit('chats.update', [{ id: BOB.pn, unreadCount: 0 }]));
    expect(h.store.chats.getRow(SID, BOB.pn)?.unread_count).toBe(0);
    await h.batch(() => h.ev.emit('chats.update', [{ id: BOB.pn, unreadCount: -1 }]));
    expect(h.store.chats.getRow(SID, BOB.pn)?.unread_count).toBe(1);
    await h.batch(() => h.ev.emit('chats.update', [{ id: BOB.pn, unreadCount: null, pinned: BASE_SECONDS, muteEndTime: at(100) }]));
    expect(h.store.chats.getRow(SID, BOB.pn)).toMatchObject({ unread_count: 1, pinned: 1, muted_until: at(100) });
    // A chat that is not stored yet is created by an update.
    await h.batch(() => h.ev.emit('chats.update', [{ id: GROUP, name: 'New group', conversationTimestamp: BASE_SECONDS + 9 }]));
    expect(h.store.chats.getRow(SID, GROUP)).toMatchObject({ type: 'group', name: 'New group', last_message_at: at(9) });
  });

  it('deletes: chats.delete removes chat and messages (announced), messages.delete removes rows', async () => {
    h = harness();
    await h.deliver(textMessage({ remoteJid: BOB.pn, fromMe: false, id: 'D1' }, 'one', 1));
    await h.deliver(textMessage({ remoteJid: BOB.pn, fromMe: false, id: 'D2' }, 'two', 2));
    await h.batch(() => h.ev.emit('messages.delete', { keys: [{ remoteJid: BOB.pn, id: 'D1', fromMe: false }] }));
    expect(h.store.messages.findById(SID, 'D1')).toBeUndefined();
    expect(h.store.messages.findById(SID, 'D2')).toBeDefined();
    await h.batch(() => h.ev.emit('chats.delete', [BOB.pn]));
    expect(h.store.chats.exists(SID, BOB.pn)).toBe(false);
    expect(h.store.messages.count(SID, BOB.pn)).toBe(0);
    expect(h.events('chat.deleted').map((e) => e.payload)).toEqual([{ chatJid: BOB.pn }]);
    // New activity brings it back.
    await h.deliver(textMessage({ remoteJid: BOB.pn, fromMe: false, id: 'D3' }, 'back', 3));
    expect(h.store.chats.exists(SID, BOB.pn)).toBe(true);
  });

  it('reactions: one per person per message, replaced by a new one, removed by an empty one', async () => {
    h = harness();
    const target: WAMessageKey = { remoteJid: GROUP, fromMe: true, id: 'T1', participant: ME.lid };
    await h.deliver(textMessage(target, 'react to me', 1), 'append');
    const react = (id: string, text: string, offset: number) =>
      wm({
        key: { remoteJid: GROUP, fromMe: false, id, participant: ALICE.pn },
        message: { reactionMessage: { key: { remoteJid: GROUP, fromMe: false, id: 'T1', participant: ME.pn }, text, senderTimestampMs: at(offset) } },
        messageTimestamp: BASE_SECONDS + offset,
        pushName: 'Alice',
      });
    await h.deliver(react('R1', '👍', 2));
    expect(h.message(GROUP, 'R1')).toMatchObject({ type: 'reaction', body: '👍', quotedMessageId: 'T1', senderJid: ALICE.pn });
    // The upsert of the reaction message and Baileys' messages.reaction event name the same row: announced once.
    expect(h.events('message').filter((e) => e.payload.waMessageId === 'R1')).toHaveLength(1);
    await h.deliver(react('R2', '❤️', 3));
    expect(h.store.messages.findById(SID, 'R1')).toBeUndefined();
    expect(h.message(GROUP, 'R2')).toMatchObject({ body: '❤️' });
    // One rule: a reaction is never the chat's preview (nor moves it, below).
    expect(h.store.chats.toChat(h.store.chats.getRow(SID, GROUP)!).lastMessage).toMatchObject({ waMessageId: 'T1', body: 'react to me' });
    await h.deliver(react('R3', '', 4));
    expect(count(h.store, "SELECT count(*) AS n FROM messages WHERE type = 'reaction'")).toBe(0);
    // Reactions do not move the chat up or count as unread.
    expect(h.store.chats.getRow(SID, GROUP)).toMatchObject({ last_message_at: at(1), unread_count: 0 });
  });

  it('channel posts and metadata go to the channels table, never to chats', async () => {
    h = harness();
    await h.deliver(textMessage({ remoteJid: CHANNEL, fromMe: false, id: '700' }, 'post', 1, { server_id: '700' }));
    await h.batch(() => h.ev.emit('newsletter-settings.update', { id: CHANNEL, update: { name: 'Daily news', description: 'All the news' } }));
    await h.batch(() => h.ev.emit('newsletter.view', { id: '120363888888888888@newsletter', server_id: '1', count: 5 }));
    expect(h.store.channels.get(SID, CHANNEL)).toMatchObject({ name: 'Daily news', description: 'All the news', lastMessageAt: at(1) });
    expect(h.store.channels.get(SID, '120363888888888888@newsletter')).toMatchObject({ lastMessageAt: null });
    expect(h.message(CHANNEL, '700')).toMatchObject({ chatJid: CHANNEL, body: 'post' });
    expect(count(h.store, "SELECT count(*) AS n FROM chats WHERE jid LIKE '%@newsletter'")).toBe(0);
  });

  it('contacts name DM chats and teach LID mappings', async () => {
    h = harness();
    await h.deliver(textMessage({ remoteJid: BOB.pn, fromMe: false, id: 'C1' }, 'hi', 1, {}, { pushName: 'Bob from work' }));
    expect(h.store.chats.getRow(SID, BOB.pn)?.name).toBe('Bob from work');
    await h.batch(() => h.ev.emit('contacts.upsert', [{ id: BOB.pn, name: 'Robert (saved)' }]));
    expect(h.store.chats.getRow(SID, BOB.pn)?.name).toBe('Robert (saved)');
    await h.batch(() => h.ev.emit('contacts.update', [{ id: BOB.pn, notify: 'Bobby new' }]));
    expect(h.store.chats.getRow(SID, BOB.pn)?.name).toBe('Robert (saved)');
    await h.batch(() => h.ev.emit('contacts.upsert', [{ id: DAVE.lid, phoneNumber: '15550000011@s.whatsapp.net', notify: 'Dave' }]));
    expect(h.store.lidMappings.pnForLid(SID, DAVE.lid)).toBe('15550000011@s.whatsapp.net');
    expect(h.store.contacts.get(SID, '15550000011@s.whatsapp.net')).toMatchObject({ lid: DAVE.lid, notify: 'Dave' });
  });

  it("serves getMessage from the stored payload (Baileys' retry path)", async () => {
    h = harness();
    await withSetup(h);
    const [, , , , , image] = buildCorpus();
    await h.deliver(image!.message);
    const content = h.ingestor.getMessageContent(SID, { remoteJid: ALICE.pn, id: 'FX06', fromMe: false });
    expect(content).toBeInstanceOf(proto.Message);
    expect(content?.imageMessage?.caption).toBe('Look at this');
    expect(Buffer.from(content!.imageMessage!.mediaKey!).toString()).toBe('0123456789abcdef0123456789abcdef');
    expect(h.ingestor.getMessageContent(SID, { remoteJid: ALICE.pn, id: 'NOPE', fromMe: false })).toBeUndefined();
    h.store.db.prepare("UPDATE messages SET raw = '{broken' WHERE wa_message_id = 'FX06'").run();
    expect(h.ingestor.getMessageContent(SID, { remoteJid: ALICE.pn, id: 'FX06', fromMe: false })).toBeUndefined();
  });

  it('stops ingesting once detached', async () => {
    h = harness();
    h.detach();
    await h.deliver(textMessage({ remoteJid: BOB.pn, fromMe: false, id: 'AFTER' }, 'late', 1));
    expect(h.store.messages.findById(SID, 'AFTER')).toBeUndefined();
  });
});
