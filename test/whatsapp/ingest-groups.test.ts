/**
 * Group metadata through the real event buffer and ingestion into SQLite: a whole GroupMetadata (groups.upsert,
 * and groups.update as Baileys' dirty-groups fetch emits it), a subject stub turned into groups.update and a
 * participant stub turned into group-participants.update by Baileys' own processMessage, and history sync's
 * group conversations.
 */
import { makeEventBuffer, proto, WAMessageStubType, type WAMessage } from '@whiskeysockets/baileys';
import processMessage from '@whiskeysockets/baileys/lib/Utils/process-message.js';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { createIngestor } from '../../src-main/whatsapp/ingest/index.js';
import type { SocketLike } from '../../src-main/whatsapp/socket.js';
import { tempStoreWithSession, type TempStore } from '../helpers/store.js';

const SID = 'sess_groups';
const GROUP = '120363055555555555@g.us';
const ME = { id: '15550000001:1@s.whatsapp.net', lid: '100000000000001:1@lid' };
const silent = pino({ level: 'silent' });

function setup() {
  const temp = tempStoreWithSession({ id: SID, patch: { waJid: '15550000001@s.whatsapp.net', waLid: '100000000000001@lid' } });
  const ingestor = createIngestor({ store: temp.store, publisher: { publish: () => {} }, logger: silent, now: () => 1_800_000_000_000 });
  const ev = makeEventBuffer(silent);
  const detach = ingestor.attach(SID, { ev, user: ME } as unknown as SocketLike);
  const ctx = {
    shouldProcessHistoryMsg: false,
    ev,
    creds: { me: ME, accountSettings: { unarchiveChats: false } },
    keyStore: {},
    signalRepository: {},
    logger: silent,
    options: {},
    getMessage: async () => undefined,
  } as unknown as Parameters<typeof processMessage>[1];
  const batch = async (fn: () => unknown) => {
    ev.buffer();
    try {
      await fn();
    } finally {
      ev.flush();
    }
  };
  const stub = (id: string, type: number, params: string[]): WAMessage =>
    proto.WebMessageInfo.fromObject({
      key: { remoteJid: GROUP, fromMe: false, id, participant: '200000000000002@lid' },
      messageTimestamp: 1_700_000_000,
      messageStubType: type,
      messageStubParameters: params,
    }) as WAMessage;
  const deliver = (m: WAMessage) =>
    batch(async () => {
      ev.emit('messages.upsert', { messages: [m], type: 'notify' });
      await processMessage(m, ctx);
    });
  return { temp, ev, batch, deliver, stub, close: () => (detach(), ev.destroy(), temp.cleanup()) };
}

let current: { close(): void } | null = null;
afterEach(() => {
  current?.close();
  current = null;
});

const roles = (t: TempStore) => t.store.groups.participants(SID, GROUP).map((p) => `${p.jid}:${p.role}`);

describe('group ingestion', () => {
  it('stores whole metadata, learns the pairs participants name, and follows subject and participant stubs', async () => {
    const h = setup();
    current = h;
    await h.batch(() =>
      h.ev.emit('groups.update', [
        {
          id: GROUP,
          subject: 'Climbing Crew',
          desc: 'Tuesdays and Thursdays',
          owner: '200000000000002@lid',
          ownerPn: '4915112345678@s.whatsapp.net',
          creation: 1_650_000_000,
          participants: [
            { id: '200000000000002@lid', phoneNumber: '4915112345678@s.whatsapp.net', admin: 'superadmin' },
            { id: '300000000000003@lid', admin: null },
            { id: '100000000000001@lid', phoneNumber: '15550000001@s.whatsapp.net', admin: 'admin' },
          ],
        },
      ]),
    );
    const { store } = h.temp;
    expect(store.groups.get(SID, GROUP)).toMatchObject({ subject: 'Climbing Crew', description: 'Tuesdays and Thursdays', owner: '4915112345678@s.whatsapp.net', created_at: 1_650_000_000_000 });
    expect(roles(h.temp)).toEqual(['200000000000002@lid:superadmin', '100000000000001@lid:admin', '300000000000003@lid:member']);
    expect(store.lidMappings.pnForLid(SID, '200000000000002@lid')).toBe('4915112345678@s.whatsapp.net');
    expect(store.chats.get(SID, GROUP)?.name).toBe('Climbing Crew');

    // Baileys turns these stubs into groups.update {subject} and group-participants.update (processMessage).
    await h.deliver(h.stub('S1', WAMessageStubType.GROUP_CHANGE_SUBJECT, ['Climbing Crew 🧗']));
    await h.deliver(h.stub('S2', WAMessageStubType.GROUP_PARTICIPANT_ADD, [JSON.stringify({ id: '400000000000004@lid', phoneNumber: '447700900123@s.whatsapp.net' })]));
    await h.deliver(h.stub('S3', WAMessageStubType.GROUP_PARTICIPANT_PROMOTE, [JSON.stringify({ id: '300000000000003@lid' })]));
    await h.deliver(h.stub('S4', WAMessageStubType.GROUP_PARTICIPANT_REMOVE, [JSON.stringify({ id: '100000000000001@lid' })]));
    expect(store.groups.get(SID, GROUP)).toMatchObject({ subject: 'Climbing Crew 🧗', description: 'Tuesdays and Thursdays' });
    expect(roles(h.temp)).toEqual(['200000000000002@lid:superadmin', '300000000000003@lid:admin', '400000000000004@lid:member']);
    expect(store.lidMappings.pnForLid(SID, '400000000000004@lid')).toBe('447700900123@s.whatsapp.net');
    // The stub lines name people, never bare LIDs.
    const bodies = (store.db.prepare('SELECT body FROM messages WHERE session_id = ? AND chat_jid = ?').all(SID, GROUP) as { body: string }[]).map((r) => r.body);
    expect(bodies.length).toBe(4);
    for (const b of bodies) expect(b).not.toMatch(/\d{12,}/);
  });

  it('reads a history-sync group conversation: participants with ranks, creator, creation', async () => {
    const h = setup();
    current = h;
    await h.batch(() =>
      h.ev.emit('messaging-history.set', {
        chats: [
          {
            id: GROUP,
            name: 'Book Club',
            description: 'Next: Piranesi',
            createdBy: '4915112345678@s.whatsapp.net',
            createdAt: 1_600_000_000,
            participant: [
              { userJid: '4915112345678@s.whatsapp.net', rank: proto.GroupParticipant.Rank.SUPERADMIN },
              { userJid: '447700900123@s.whatsapp.net', rank: proto.GroupParticipant.Rank.REGULAR },
              { userJid: '15550000001@s.whatsapp.net', rank: proto.GroupParticipant.Rank.ADMIN },
            ],
          } as never,
        ],
        contacts: [],
        messages: [],
        syncType: proto.HistorySync.HistorySyncType.INITIAL_BOOTSTRAP,
        progress: 5,
        isLatest: true,
      }),
    );
    expect(h.temp.store.groups.get(SID, GROUP)).toMatchObject({ subject: 'Book Club', description: 'Next: Piranesi', owner: '4915112345678@s.whatsapp.net', created_at: 1_600_000_000_000 });
    expect(roles(h.temp)).toEqual(['4915112345678@s.whatsapp.net:superadmin', '15550000001@s.whatsapp.net:admin', '447700900123@s.whatsapp.net:member']);
  });
});
