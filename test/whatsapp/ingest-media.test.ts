/**
 * The ingestion hook of the media archive: after a batch is committed, every newly stored media message
 * (live or from history, with the history flag set for the latter) is handed to onMediaStored, which in
 * the gateway is the media queue's onMessagesStored (gateway/whatsapp-runtime.ts). Duplicates, texts and a
 * batch that stored nothing hand over nothing.
 */
import { proto } from '@whiskeysockets/baileys';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import type { StoredMedia } from '../../src-main/whatsapp/ingest/index.js';
import { createIngestor } from '../../src-main/whatsapp/ingest/index.js';
import { tempStoreWithSession, type TempStore } from '../helpers/store.js';
import { messageWith } from '../media/helpers.js';

const silent = pino({ level: 'silent' });
const image = (id: string) =>
  messageWith({ imageMessage: { mimetype: 'image/jpeg', fileLength: 1234, url: 'https://x.invalid/a', mediaKey: new Uint8Array(32) } }, id);
const text = (id: string) => messageWith({ conversation: 'hi' }, id);
const audio = (id: string) => messageWith({ audioMessage: { mimetype: 'audio/ogg', ptt: true, fileLength: 99 } }, id);

describe('ingestion hands committed media messages to the media queue', () => {
  let t: TempStore | undefined;
  afterEach(() => t?.cleanup());

  it('live and history media, with the history flag; nothing for texts and duplicates', () => {
    const ts = tempStoreWithSession();
    t = ts;
    const handed: { sessionId: string; items: StoredMedia[] }[] = [];
    const ingestor = createIngestor({
      store: ts.store,
      publisher: { publish: () => {} },
      logger: silent,
      onMediaStored: (sessionId, items) => handed.push({ sessionId, items: [...items] }),
    });
    const sid = ts.session.id;

    ingestor.handle(sid, { 'messages.upsert': { messages: [image('L1'), text('L2')], type: 'notify' } });
    // messagePk: the stored row's, so the queue inserts its job without looking the message up again.
    const pkOf = (id: string) => ts.store.messages.find(sid, '15550001111@s.whatsapp.net', id)!.pk;
    expect(handed).toEqual([
      {
        sessionId: sid,
        items: [{ chatJid: '15550001111@s.whatsapp.net', waMessageId: 'L1', kind: 'image', size: 1234, history: false, messagePk: pkOf('L1') }],
      },
    ]);

    ingestor.applyHistory(sid, {
      chats: [],
      contacts: [],
      messages: [audio('H1'), text('H2'), image('L1')],
      syncType: proto.HistorySync.HistorySyncType.RECENT,
      progress: 50,
      isLatest: false,
      chunkOrder: 1,
    } as never);
    expect(handed[1]).toEqual({
      sessionId: sid,
      items: [{ chatJid: '15550001111@s.whatsapp.net', waMessageId: 'H1', kind: 'audio', size: 99, history: true, messagePk: pkOf('H1') }],
    });

    // The same messages again: already stored, nothing new to download.
    ingestor.handle(sid, { 'messages.upsert': { messages: [image('L1')], type: 'notify' } });
    expect(handed).toHaveLength(2);
    // A hook that throws does not undo the batch (it is committed) and is only logged.
    const throwing = createIngestor({
      store: ts.store,
      publisher: { publish: () => {} },
      logger: silent,
      onMediaStored: () => {
        throw new Error('queue down');
      },
    });
    expect(throwing.handle(sid, { 'messages.upsert': { messages: [image('L3')], type: 'notify' } }).inserted).toBe(1);
    expect(ts.store.messages.find(sid, '15550001111@s.whatsapp.net', 'L3')).toBeDefined();
  });
});
