/**
 * One identity per person when WhatsApp tells us who a LID is only later: group messages stored under a
 * LID-only sender get the phone JID, a DM filed under the LID merges into the phone chat, and the realtime
 * events tell the UI (the fixed messages again as 'message', the merged chat as 'chat.deleted' with
 * mergedInto). Real Baileys event buffer, real ingestor, real SQLite.
 */
import { makeEventBuffer, proto, type WAMessage } from '@whiskeysockets/baileys';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import type { GatewayEvent } from '../../src-main/core/events.js';
import { rowToMessage } from '../../src-main/store/repositories/messages.js';
import { createIngestor } from '../../src-main/whatsapp/ingest/index.js';
import type { SocketLike } from '../../src-main/whatsapp/socket.js';
import { BASE_SECONDS, GROUP, ME, textMessage } from '../fixtures/baileys/corpus.js';
import { tempStoreWithSession } from '../helpers/store.js';

const SID = 'sess_lid';
const FRANK = { lid: '600000000000006@lid', pn: '15550000006@s.whatsapp.net' };
const GINA = { lid: '700000000000007@lid', pn: '15550000007@s.whatsapp.net' };

function harness() {
  const temp = tempStoreWithSession({ id: SID, patch: { waJid: ME.pn, waLid: ME.lid, phoneNumber: '15550000001' } }, { organizationId: 'org_lid' });
  const published: GatewayEvent[] = [];
  const warnings: unknown[] = [];
  const logger = pino({ level: 'warn' }, { write: (line: string) => void warnings.push(JSON.parse(line)) });
  const ingestor = createIngestor({ store: temp.store, publisher: { publish: (e) => published.push(e) }, logger, now: () => 1 });
  const ev = makeEventBuffer(pino({ level: 'silent' }));
  const detach = ingestor.attach(SID, { ev, user: ME.user } as unknown as SocketLike);
  const batch = (fn: () => void) => {
    ev.buffer();
    try {
      fn();
    } finally {
      ev.flush();
    }
  };
  const upsert = (...messages: WAMessage[]) => batch(() => ev.emit('messages.upsert', { messages, type: 'notify' }));
  const message = (chat: string, id: string) => {
    const row = temp.store.messages.find(SID, chat, id);
    return row ? rowToMessage(row) : undefined;
  };
  const close = () => {
    detach();
    ev.destroy();
    temp.cleanup();
  };
  return { store: temp.store, published, warnings, ev, batch, upsert, message, close };
}

let h: ReturnType<typeof harness> | undefined;
afterEach(() => {
  h?.close();
  h = undefined;
});

describe('a LID mapping that arrives after the messages', () => {
  it('gives group messages their sender phone JID and tells the UI (lid-mapping.update)', () => {
    h = harness();
    h.upsert(
      textMessage({ remoteJid: GROUP, fromMe: false, id: 'G1', participant: FRANK.lid }, 'hello from a lid', 1),
      textMessage({ remoteJid: GROUP, fromMe: false, id: 'G2', participant: FRANK.lid }, 'again', 2),
      textMessage({ remoteJid: GROUP, fromMe: false, id: 'G3', participant: GINA.lid }, 'someone else', 3),
    );
    expect(h.message(GROUP, 'G1')).toMatchObject({ senderJid: null, senderLid: FRANK.lid });
    h.published.length = 0;

    h.batch(() => h!.ev.emit('lid-mapping.update', { lid: FRANK.lid, pn: FRANK.pn }));

    expect(h.message(GROUP, 'G1')).toMatchObject({ senderJid: FRANK.pn, senderLid: FRANK.lid });
    expect(h.message(GROUP, 'G2')).toMatchObject({ senderJid: FRANK.pn, senderLid: FRANK.lid });
    expect(h.message(GROUP, 'G3')).toMatchObject({ senderJid: null, senderLid: GINA.lid }); // not this person
    const announced = h.published.filter((e) => e.event === 'message').map((e) => e.payload as { waMessageId: string; senderJid: string | null });
    expect(announced.map((m) => m.waMessageId).sort()).toEqual(['G1', 'G2']);
    expect(announced.every((m) => m.senderJid === FRANK.pn)).toBe(true);

    // The same mapping again changes nothing and announces nothing.
    h.published.length = 0;
    h.batch(() => h!.ev.emit('lid-mapping.update', { lid: FRANK.lid, pn: FRANK.pn }));
    expect(h.published.filter((e) => e.event === 'message')).toEqual([]);
    expect(h.warnings).toEqual([]);
  });

  it('merges a DM filed under the LID into the phone chat when history brings the mapping', () => {
    h = harness();
    h.upsert(textMessage({ remoteJid: GINA.lid, fromMe: false, id: 'D1' }, 'dm before the mapping', 1, {}, { pushName: 'Gina' }));
    expect(h.store.chats.exists(SID, GINA.lid)).toBe(true);
    h.published.length = 0;

    // Unbuffered: Baileys' event buffer (rc14) consolidates history sets without their lidPnMappings.
    h.ev.emit('messaging-history.set', {
        chats: [],
        contacts: [],
        messages: [textMessage({ remoteJid: GINA.pn, fromMe: false, id: 'D0' }, 'older, from history', 0)],
        lidPnMappings: [{ lid: GINA.lid, pn: GINA.pn }],
        syncType: proto.HistorySync.HistorySyncType.RECENT,
        progress: 50,
        isLatest: false,
      });

    expect(h.store.chats.exists(SID, GINA.lid)).toBe(false);
    expect(h.message(GINA.pn, 'D1')).toMatchObject({ chatJid: GINA.pn, senderJid: GINA.pn, senderLid: GINA.lid, body: 'dm before the mapping' });
    expect(h.message(GINA.pn, 'D0')).toBeDefined();
    expect(h.published.filter((e) => e.event === 'chat.deleted').map((e) => e.payload)).toEqual([{ chatJid: GINA.lid, mergedInto: GINA.pn }]);
    expect(h.published.some((e) => e.event === 'message' && (e.payload as { waMessageId: string }).waMessageId === 'D1')).toBe(true);
    expect(h.store.chats.get(SID, GINA.pn)?.lastMessageAt).toBe((BASE_SECONDS + 1) * 1000);
  });

  it('fixes senders when a contact carrying both forms arrives (contacts.upsert)', () => {
    h = harness();
    h.upsert(textMessage({ remoteJid: GROUP, fromMe: false, id: 'C1', participant: FRANK.lid }, 'hi', 1));
    h.batch(() => h!.ev.emit('contacts.upsert', [{ id: FRANK.pn, lid: FRANK.lid, name: 'Frank' }]));
    expect(h.message(GROUP, 'C1')).toMatchObject({ senderJid: FRANK.pn, senderLid: FRANK.lid });
  });
});
