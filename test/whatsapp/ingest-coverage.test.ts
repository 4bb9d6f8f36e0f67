/**
 * Coverage evidence from ingestion (src-main/whatsapp/ingest/coverage.ts) through Baileys' real event buffer
 * into a real SQLite store, judged by the gap rule (src-main/app/history-gaps.ts): one pairing's history sync
 * is one stretch whatever order its chunks come in (and on whatever connection), a connection's realtime
 * continues it, a new connection starts a new stretch (a gap in chats with messages on both sides), and a
 * backfill answer anchored on the message after a gap closes it.
 */
import { makeEventBuffer, proto, type BaileysEventMap, type WAMessage } from '@whiskeysockets/baileys';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mergeSegments } from '../../src-main/app/history-gaps.js';
import { createIngestor, type GatewayIngestor } from '../../src-main/whatsapp/ingest/index.js';
import type { SocketLike } from '../../src-main/whatsapp/socket.js';
import { ALICE, BOB, ME, at, textMessage } from '../fixtures/baileys/corpus.js';
import { tempStoreWithSession, type TempStore } from '../helpers/store.js';

const SID = 'sess_cov';
const silent = pino({ level: 'silent' });
const SYNC = proto.HistorySync.HistorySyncType;

type Chunk = BaileysEventMap['messaging-history.set'];

const msg = (chat: string, id: string, offset: number): WAMessage => textMessage({ remoteJid: chat, fromMe: false, id }, `m ${id}`, offset);

function chunk(syncType: proto.HistorySync.HistorySyncType, messages: WAMessage[], more: Partial<Chunk> = {}): Chunk {
  return { chats: [], contacts: [], messages, syncType, progress: 50, isLatest: false, ...more } as Chunk;
}

describe('coverage evidence from ingestion', () => {
  let t: TempStore;
  let ingestor: GatewayIngestor;
  let connection: { ev: ReturnType<typeof makeEventBuffer>; detach: () => void } | null = null;
  const warnings: unknown[] = [];

  /** A new socket: what the adapter does for every connection. */
  function connect(): ReturnType<typeof makeEventBuffer> {
    if (connection) {
      connection.detach();
      connection.ev.destroy();
    }
    const ev = makeEventBuffer(silent);
    const detach = ingestor.attach(SID, { ev, user: ME.user } as unknown as SocketLike);
    connection = { ev, detach };
    return ev;
  }
  const emitBatch = (ev: ReturnType<typeof makeEventBuffer>, fn: () => void) => {
    ev.buffer();
    try {
      fn();
    } finally {
      ev.flush();
    }
  };
  const history = (ev: ReturnType<typeof makeEventBuffer>, data: Chunk) => emitBatch(ev, () => ev.emit('messaging-history.set', data));
  const live = (ev: ReturnType<typeof makeEventBuffer>, ...messages: WAMessage[]) =>
    emitBatch(ev, () => ev.emit('messages.upsert', { messages, type: 'notify' }));
  const coverage = (chat: string) => mergeSegments(t.store.chatHistory.segments(SID, chat));

  beforeEach(() => {
    t = tempStoreWithSession({ id: SID, patch: { waJid: ME.pn, waLid: ME.lid, phoneNumber: '15550000001' } });
    const logger = pino({ level: 'warn' }, { write: (line: string) => void warnings.push(JSON.parse(line)) });
    ingestor = createIngestor({ store: t.store, publisher: { publish: () => undefined }, logger, now: () => at(10_000) });
    warnings.length = 0;
  });
  afterEach(() => {
    connection?.detach();
    connection?.ev.destroy();
    connection = null;
    t.cleanup();
  });

  it('one sync is one stretch whatever the chunk order, continued by realtime; a new connection opens a gap', () => {
    const ev = connect();
    // The older RECENT chunk is processed first (Baileys' isLatest marks the first chunk of the pairing).
    history(ev, chunk(SYNC.RECENT, [msg(ALICE.pn, 'H1', 1), msg(ALICE.pn, 'H2', 2)], { isLatest: true }));
    history(ev, chunk(SYNC.INITIAL_BOOTSTRAP, [msg(ALICE.pn, 'H4', 4), msg(ALICE.pn, 'H3', 3)]));
    live(ev, msg(ALICE.pn, 'L1', 10));
    expect(coverage(ALICE.pn)).toEqual({ runs: [{ fromAt: at(1), fromId: 'H1', toAt: at(10), toId: 'L1' }], gaps: [] });

    // The sync was interrupted: its last chunk comes on the next connection and still joins the snapshot.
    const ev2 = connect();
    history(ev2, chunk(SYNC.RECENT, [msg(ALICE.pn, 'H0', 0)]));
    expect(coverage(ALICE.pn).gaps).toEqual([]);
    expect(coverage(ALICE.pn).runs[0]).toMatchObject({ fromId: 'H0', toId: 'L1' });

    // Realtime on the new connection: the archive cannot vouch for what happened while it was away.
    live(ev2, msg(ALICE.pn, 'L2', 20), msg(ALICE.pn, 'L3', 21));
    expect(coverage(ALICE.pn).gaps).toEqual([{ after: 'L1', before: 'L2', from: at(10), to: at(20) }]);
    // A chat with messages on one side only has no gap.
    live(ev2, msg(BOB.pn, 'B1', 22));
    expect(coverage(BOB.pn).gaps).toEqual([]);
    expect(warnings).toEqual([]);
  });

  it('a backfill answer anchored on the message after a gap closes it; one that stops short narrows it', () => {
    const ev = connect();
    history(ev, chunk(SYNC.INITIAL_BOOTSTRAP, [msg(ALICE.pn, 'A1', 1), msg(ALICE.pn, 'A2', 2)], { isLatest: true }));
    const ev2 = connect();
    live(ev2, msg(ALICE.pn, 'A9', 90));
    expect(coverage(ALICE.pn).gaps).toEqual([{ after: 'A2', before: 'A9', from: at(2), to: at(90) }]);

    // The phone is asked for the messages before A9 and answers with the newest two of four it has.
    t.store.chatHistory.markAsked(SID, ALICE.pn, at(100), { waMessageId: 'A9', at: at(90) });
    history(ev2, chunk(SYNC.ON_DEMAND, [msg(ALICE.pn, 'A6', 60), msg(ALICE.pn, 'A7', 70)]));
    expect(coverage(ALICE.pn).gaps).toEqual([{ after: 'A2', before: 'A6', from: at(2), to: at(60) }]);

    // The next backfill goes before A6 and reaches A2: the gap is gone.
    t.store.chatHistory.markAsked(SID, ALICE.pn, at(101), { waMessageId: 'A6', at: at(60) });
    history(ev2, chunk(SYNC.ON_DEMAND, [msg(ALICE.pn, 'A2', 2), msg(ALICE.pn, 'A3', 30), msg(ALICE.pn, 'A4', 40)]));
    expect(coverage(ALICE.pn)).toEqual({ runs: [{ fromAt: at(1), fromId: 'A1', toAt: at(90), toId: 'A9' }], gaps: [] });
    // Asking again changes nothing.
    history(ev2, chunk(SYNC.ON_DEMAND, [msg(ALICE.pn, 'A2', 2), msg(ALICE.pn, 'A3', 30), msg(ALICE.pn, 'A4', 40)]));
    expect(coverage(ALICE.pn).gaps).toEqual([]);
    expect(t.store.chatHistory.segments(SID, ALICE.pn).map((s) => s.segment).filter((s) => s.startsWith('b:')).sort()).toEqual(['b:A6', 'b:A9']);
  });

  it('an answer that reaches the chat\'s start closes every gap below its anchor, even an empty one', () => {
    const ev = connect();
    live(ev, msg(BOB.pn, 'S1', 1));
    live(connect(), msg(BOB.pn, 'S5', 50));
    const ev3 = connect();
    live(ev3, msg(BOB.pn, 'S9', 90));
    expect(coverage(BOB.pn).gaps.map((g) => [g.after, g.before])).toEqual([['S1', 'S5'], ['S5', 'S9']]);
    // Asked for what is before S9, the phone has nothing it has not sent (the chat is new to it): it says so.
    t.store.chatHistory.markAsked(SID, BOB.pn, at(100), { waMessageId: 'S9', at: at(90) });
    history(ev3, chunk(SYNC.ON_DEMAND, [], { chats: [{ id: BOB.pn, endOfHistoryTransfer: true }] as Chunk['chats'] }));
    expect(coverage(BOB.pn)).toEqual({ runs: [{ fromAt: at(1), fromId: 'S1', toAt: at(90), toId: 'S9' }], gaps: [] });
    expect(t.store.chatHistory.marks(SID, BOB.pn).startKnown).toBe(true);
  });

  it('an answer nobody anchored vouches only for itself', () => {
    const ev = connect();
    live(ev, msg(BOB.pn, 'B1', 1));
    const ev2 = connect();
    live(ev2, msg(BOB.pn, 'B9', 90));
    history(ev2, chunk(SYNC.ON_DEMAND, [msg(BOB.pn, 'B5', 50), msg(BOB.pn, 'B6', 60)]));
    expect(coverage(BOB.pn).gaps).toEqual([
      { after: 'B1', before: 'B5', from: at(1), to: at(50) },
      { after: 'B6', before: 'B9', from: at(60), to: at(90) },
    ]);
  });

  it('reactions are not timeline messages: a reaction to an old message does not bridge a gap', () => {
    const ev = connect();
    live(ev, msg(ALICE.pn, 'R1', 1));
    const ev2 = connect();
    live(ev2, msg(ALICE.pn, 'R9', 90));
    // A reaction on the new connection, sent inside the gap: stored, but it says nothing about the messages there.
    live(ev2, {
      key: { remoteJid: ALICE.pn, fromMe: false, id: 'RX' },
      messageTimestamp: Math.floor(at(5) / 1000),
      message: { reactionMessage: { key: { remoteJid: ALICE.pn, fromMe: false, id: 'R1' }, text: '👍', senderTimestampMs: at(5) } },
    } as WAMessage);
    expect(t.store.messages.find(SID, ALICE.pn, 'RX')).toBeDefined();
    expect(coverage(ALICE.pn).gaps).toEqual([{ after: 'R1', before: 'R9', from: at(1), to: at(90) }]);
  });

  it('a LID chat merged into its phone chat brings its stretches along', () => {
    const ev = connect();
    live(ev, msg(ALICE.lid, 'X1', 1));
    expect(coverage(ALICE.lid).runs).toHaveLength(1);
    emitBatch(ev, () => ev.emit('lid-mapping.update', { lid: ALICE.lid, pn: ALICE.pn }));
    live(ev, msg(ALICE.pn, 'X2', 2));
    expect(t.store.chatHistory.segments(SID, ALICE.lid)).toEqual([]);
    expect(coverage(ALICE.pn)).toEqual({ runs: [{ fromAt: at(1), fromId: 'X1', toAt: at(2), toId: 'X2' }], gaps: [] });
  });
});
