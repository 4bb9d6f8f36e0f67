/** The adapter wired to the REAL ingestor (src-main/whatsapp/ingest/) over a real event buffer and store. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import pino from 'pino';
import { proto, type WAMessage } from '@whiskeysockets/baileys';
import type { GatewayEvent } from '../../../src-main/core/events.js';
import type { WhatsAppClient } from '../../../src-main/core/whatsapp-port.js';
import { createBaileysClientFactory } from '../../../src-main/whatsapp/baileys/adapter.js';
import { createSqliteAuthState } from '../../../src-main/whatsapp/baileys/auth-state.js';
import { createIngestor } from '../../../src-main/whatsapp/ingest/index.js';
import { ME, fakeSocketFactory } from './fake-socket.js';
import { ORG_ID, SESSION_ID, tempStore, tick, updateRecorder, type TempStore } from './harness.js';

const logger = pino({ level: 'silent' });
const PEER = '6281111111111@s.whatsapp.net';

describe('adapter + real ingestor', () => {
  let t: TempStore;
  let client: WhatsAppClient;
  let published: GatewayEvent[];
  let sockets: ReturnType<typeof fakeSocketFactory>;

  beforeEach(async () => {
    t = tempStore();
    published = [];
    sockets = fakeSocketFactory();
    const auth = createSqliteAuthState(t.store.authState, SESSION_ID, logger);
    auth.state.creds.me = { ...ME };
    auth.state.creds.account = { details: Buffer.from('d'), accountSignatureKey: Buffer.alloc(32), accountSignature: Buffer.alloc(64) };
    auth.saveCreds();
    const ingestor = createIngestor({ store: t.store, publisher: { publish: (e) => published.push(e) }, logger });
    client = createBaileysClientFactory({
      store: t.store,
      ingestor,
      logger,
      socketFactory: sockets.factory,
      sandbox: false,
    })({ sessionId: SESSION_ID, organizationId: ORG_ID, fullHistory: false, hooks: updateRecorder() });
    await client.connect();
    sockets.last().open();
  });
  afterEach(async () => {
    await client.close();
    t.cleanup();
  });

  it('incoming messages are stored; a reply quotes the stored copy; the echo of our send is not duplicated', async () => {
    const fake = sockets.last();
    const incoming = proto.WebMessageInfo.fromObject({
      key: { remoteJid: PEER, fromMe: false, id: 'IN-42' },
      message: { conversation: 'are you there?' },
      messageTimestamp: 1_750_000_000,
      pushName: 'Ani',
    }) as WAMessage;
    fake.ev.emit('messages.upsert', { messages: [incoming], type: 'notify' });
    await tick();
    expect(t.store.messages.find(SESSION_ID, PEER, 'IN-42')).toMatchObject({ body: 'are you there?', from_me: 0 });
    expect(published.filter((e) => e.event === 'message')).toHaveLength(1);

    const res = await client.sendText({ to: PEER, text: 'yes', replyTo: 'IN-42' });
    expect(fake.calls.sendMessage[0]!.options?.quoted?.message?.conversation).toBe('are you there?');
    await tick(); // the append echo goes through the real ingestor
    expect(t.store.messages.count(SESSION_ID, PEER)).toBe(2);
    const row = t.store.messages.find(SESSION_ID, PEER, res.waMessageId);
    expect(row).toMatchObject({ from_me: 1, body: 'yes', quoted_message_id: 'IN-42' });
    expect(row!.ack_level).toBeGreaterThanOrEqual(1);

    // After close, the same emitter is ignored by the ingestor too.
    await client.close();
    const late = proto.WebMessageInfo.fromObject({
      key: { remoteJid: PEER, fromMe: false, id: 'LATE-1' },
      message: { conversation: 'late' },
      messageTimestamp: 1_750_000_100,
    }) as WAMessage;
    fake.ev.emit('messages.upsert', { messages: [late], type: 'notify' });
    await tick();
    expect(t.store.messages.findById(SESSION_ID, 'LATE-1')).toBeUndefined();
  });
});
