import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import pino from 'pino';
import { BufferJSON, proto, type WAMessage } from '@whiskeysockets/baileys';
import { httpErrorOf } from '../../../src-main/api/error-status.js';
import { AppError } from '../../../src-main/core/errors.js';
import type { EventPublisher, GatewayEvent } from '../../../src-main/core/events.js';
import type { ClientUpdate, WhatsAppClient } from '../../../src-main/core/whatsapp-port.js';
import {
  FIRST_QR_TTL_MS,
  NEXT_QR_TTL_MS,
  accountIdentity,
  createBaileysClientFactory,
  describeClose,
} from '../../../src-main/whatsapp/baileys/adapter.js';
import { createSqliteAuthState } from '../../../src-main/whatsapp/baileys/auth-state.js';
import type { Ingestor } from '../../../src-main/whatsapp/ingest-port.js';
import { ME, boom, fakeSocketFactory } from './fake-socket.js';
import { SESSION_ID, ORG_ID, recordingIngestor, tempStore, tick, updateRecorder, type TempStore } from './harness.js';

const logger = pino({ level: 'silent' });
const NOW = 1_750_000_000_000;
const PEER = '6281111111111@s.whatsapp.net';

/** The rejection, with the HTTP status the API would answer for it (domain errors carry only a code). */
async function caught(p: Promise<unknown>): Promise<AppError & { status: number }> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(AppError);
    return Object.assign(e as AppError, { status: httpErrorOf((e as AppError).code).status });
  }
  throw new Error('expected a rejection');
}

describe('Baileys adapter', () => {
  let t: TempStore;
  let sockets: ReturnType<typeof fakeSocketFactory>;
  let ingestor: ReturnType<typeof recordingIngestor>;
  let rec: ReturnType<typeof updateRecorder>;
  let client: WhatsAppClient;
  let now: number;

  const makeClient = (over: { ingestor?: Ingestor; pairingWaitMs?: number; publisher?: EventPublisher } = {}) => {
    const factory = createBaileysClientFactory({
      store: t.store,
      ingestor: over.ingestor ?? ingestor,
      logger,
      socketFactory: sockets.factory,
      sandbox: false,
      now: () => now,
      ...(over.pairingWaitMs !== undefined ? { pairingWaitMs: over.pairingWaitMs } : {}),
      ...(over.publisher ? { publisher: over.publisher } : {}),
    });
    return factory({ sessionId: SESSION_ID, organizationId: ORG_ID, fullHistory: false, hooks: { onUpdate: rec.onUpdate } });
  };

  /** Stores paired creds, as a previous pairing would have. */
  const storePairedCreds = () => {
    const auth = createSqliteAuthState(t.store.authState, SESSION_ID, logger);
    auth.state.creds.me = { ...ME };
    auth.state.creds.account = { details: Buffer.from('d'), accountSignatureKey: Buffer.alloc(32), accountSignature: Buffer.alloc(64) };
    auth.saveCreds();
  };

  const connectOpen = async () => {
    storePairedCreds();
    client = makeClient();
    await client.connect();
    sockets.last().open();
  };

  beforeEach(() => {
    t = tempStore();
    sockets = fakeSocketFactory();
    ingestor = recordingIngestor(t.store);
    rec = updateRecorder();
    now = NOW;
  });
  afterEach(async () => {
    await client?.close();
    t.cleanup();
  });

  describe('connection updates', () => {
    it('reports connecting, then QR codes with 60 s for the first and 20 s for the next', async () => {
      client = makeClient();
      await client.connect();
      const fake = sockets.last();
      expect(fake.options.sessionId).toBe(SESSION_ID);
      expect(fake.options.fullHistory).toBe(false);
      fake.qr('QR-1');
      now += 60_000;
      fake.qr('QR-2');
      expect(rec.updates).toEqual([
        { kind: 'connecting' },
        { kind: 'qr', code: 'QR-1', expiresAt: NOW + FIRST_QR_TTL_MS },
        { kind: 'qr', code: 'QR-2', expiresAt: NOW + 60_000 + NEXT_QR_TTL_MS },
      ]);
      expect(ingestor.attached).toBe(1);
    });

    it('pair-success: creds saved (paired), "paired" with the normalised identity, then the 515 close', async () => {
      client = makeClient();
      await client.connect();
      const fake = sockets.last();
      fake.qr('QR-1');
      fake.pairSuccess();
      fake.closeWith(515, 'Stream Errored (restart required)');
      const me = { jid: '6289999999999@s.whatsapp.net', lid: '111222333444555@lid', phoneNumber: '6289999999999' };
      expect(rec.updates.slice(2)).toEqual([
        { kind: 'paired', me },
        { kind: 'closed', statusCode: 515, reason: 'Stream Errored (restart required)' },
      ]);
      // The next socket of this session starts from the stored, paired creds.
      const stored = createSqliteAuthState(t.reopen().authState, SESSION_ID, logger);
      expect(stored.isPaired()).toBe(true);
      expect(stored.state.creds.me?.id).toBe(ME.id);
    });

    it('open reports the identity from sock.user', async () => {
      await connectOpen();
      expect(rec.updates.at(-1)).toEqual({
        kind: 'open',
        me: { jid: '6289999999999@s.whatsapp.net', lid: '111222333444555@lid', phoneNumber: '6289999999999' },
      });
    });

    it('close codes are passed through, once', async () => {
      for (const code of [401, 403, 408, 411, 428, 440, 500, 503]) {
        rec.updates.length = 0;
        client = makeClient();
        await client.connect();
        sockets.last().closeWith(code, `reason ${code}`);
        sockets.last().closeWith(code, 'again');
        expect(rec.updates).toEqual([{ kind: 'connecting' }, { kind: 'closed', statusCode: code, reason: `reason ${code}` }]);
      }
    });

    it('creds.update is persisted', async () => {
      client = makeClient();
      await client.connect();
      sockets.last().ev.emit('creds.update', { accountSyncCounter: 7 });
      const stored = createSqliteAuthState(t.store.authState, SESSION_ID, logger);
      expect(stored.state.creds.accountSyncCounter).toBe(7);
    });

    it('a hook that throws never throws into Baileys', async () => {
      const factory = createBaileysClientFactory({
        store: t.store,
        ingestor,
        logger,
        socketFactory: sockets.factory,
        sandbox: true,
      });
      client = factory({
        sessionId: SESSION_ID,
        organizationId: ORG_ID,
        fullHistory: true,
        hooks: {
          onUpdate: () => {
            throw new Error('manager bug');
          },
        },
      });
      expect(client.sandbox).toBe(true);
      await client.connect();
      expect(sockets.last().options.fullHistory).toBe(true);
      expect(() => sockets.last().qr('QR')).not.toThrow();
      expect(() => sockets.last().closeWith(408)).not.toThrow();
    });
  });

  describe('close()', () => {
    it('ends the socket with undefined, reports closed(undefined) once, and is idempotent', async () => {
      await connectOpen();
      await Promise.all([client.close(), client.close()]);
      await client.close();
      const fake = sockets.last();
      expect(fake.calls.end).toEqual([undefined]);
      const closed = rec.updates.filter((u) => u.kind === 'closed');
      expect(closed).toEqual([{ kind: 'closed', statusCode: undefined, reason: 'closed by the gateway' }]);
      await expect(client.connect()).rejects.toMatchObject({ code: 'conflict' });
    });

    it('events from the stale socket do nothing after close()', async () => {
      await connectOpen();
      const fake = sockets.last();
      await client.close();
      const before = rec.updates.length;
      const credsBefore = t.store.authState.getCreds(SESSION_ID);
      fake.qr('LATE-QR');
      fake.open();
      fake.closeWith(401);
      fake.ev.emit('creds.update', { accountSyncCounter: 99 });
      const late = proto.WebMessageInfo.fromObject({
        key: { remoteJid: PEER, fromMe: false, id: 'LATE1' },
        message: { conversation: 'late' },
        messageTimestamp: 1_750_000_000,
      }) as WAMessage;
      fake.ev.emit('messages.upsert', { messages: [late], type: 'notify' });
      await tick();
      expect(rec.updates.length).toBe(before);
      expect(t.store.authState.getCreds(SESSION_ID)).toBe(credsBefore);
      expect(ingestor.seen).not.toContain('LATE1');
      expect(t.store.messages.findById(SESSION_ID, 'LATE1')).toBeUndefined();
    });

    it('the ingestor is silenced even if its own detach forgets a listener', async () => {
      const seen: string[] = [];
      const leaky: Ingestor = {
        attach(_sessionId, sock) {
          sock.ev.on('messages.upsert', ({ messages }) => {
            for (const m of messages) seen.push(m.key.id ?? '');
          });
          return () => {}; // forgets to unsubscribe
        },
      };
      storePairedCreds();
      client = makeClient({ ingestor: leaky });
      await client.connect();
      const fake = sockets.last();
      const msg = (id: string) =>
        proto.WebMessageInfo.fromObject({ key: { remoteJid: PEER, id }, message: { conversation: id } }) as WAMessage;
      fake.ev.emit('messages.upsert', { messages: [msg('BEFORE')], type: 'notify' });
      await client.close();
      fake.ev.emit('messages.upsert', { messages: [msg('AFTER')], type: 'notify' });
      expect(seen).toEqual(['BEFORE']);
    });
  });

  describe('sendText', () => {
    it('stores the pending row before sending; the echoed append does not duplicate it', async () => {
      await connectOpen();
      const fake = sockets.last();
      let rowAtSend: ReturnType<typeof t.store.messages.findById>;
      fake.onSend = (_jid, id) => {
        rowAtSend = t.store.messages.findById(SESSION_ID, id ?? '');
      };
      const result = await client.sendText({ to: PEER, text: 'hello there' });
      expect(result).toEqual({ waMessageId: expect.stringMatching(/^3EB0[0-9A-F]{18}$/), status: 'pending', timestamp: NOW });
      expect(rowAtSend).toMatchObject({
        wa_message_id: result.waMessageId,
        chat_jid: PEER,
        from_me: 1,
        ack_level: 1,
        body: 'hello there',
        timestamp: NOW,
        sender_jid: '6289999999999@s.whatsapp.net',
        sender_lid: '111222333444555@lid',
      });
      expect(fake.calls.sendMessage[0]).toMatchObject({
        jid: PEER,
        content: { text: 'hello there' },
        options: { messageId: result.waMessageId },
      });
      await tick(); // the append echo
      expect(ingestor.seen).toContain(result.waMessageId);
      expect(ingestor.inserted).not.toContain(result.waMessageId);
      expect(t.store.messages.count(SESSION_ID, PEER)).toBe(1);
      const chat = t.store.chats.getRow(SESSION_ID, PEER);
      expect(chat).toMatchObject({ type: 'dm', last_message_at: NOW });
      // The raw sent message is kept for getMessage and replies.
      const raw = t.store.messages.raw(SESSION_ID, result.waMessageId);
      expect(raw).toBeDefined();
      const content = await fake.options.getMessage({ remoteJid: PEER, id: result.waMessageId, fromMe: true });
      expect(content?.extendedTextMessage?.text ?? content?.conversation).toBe('hello there');
    });

    it('passes mentions, stores them with names, and canonicalises a LID recipient to its phone chat', async () => {
      await connectOpen();
      t.store.lidMappings.put(SESSION_ID, '555666777@lid', PEER);
      t.store.contacts.upsert(SESSION_ID, { jid: '6282222222222@s.whatsapp.net', name: 'Budi' });
      const res = await client.sendText({
        to: '555666777@lid',
        text: 'hi @6282222222222',
        mentions: ['6282222222222@s.whatsapp.net'],
      });
      const call = sockets.last().calls.sendMessage[0]!;
      expect(call.jid).toBe('555666777@lid');
      expect(call.content).toEqual({ text: 'hi @6282222222222', mentions: ['6282222222222@s.whatsapp.net'] });
      const row = t.store.messages.find(SESSION_ID, PEER, res.waMessageId);
      expect(row?.mentions).toBe('["6282222222222@s.whatsapp.net"]');
      expect(row?.mention_names).toBe('{"6282222222222":"Budi"}');
    });

    it('replies quote the revived stored message', async () => {
      await connectOpen();
      const incoming = proto.WebMessageInfo.fromObject({
        key: { remoteJid: PEER, fromMe: false, id: 'IN-1' },
        message: { conversation: 'question?' },
        messageTimestamp: 1_749_999_000,
      });
      t.store.messages.insert(SESSION_ID, {
        waMessageId: 'IN-1',
        chatJid: PEER,
        fromMe: false,
        senderJid: PEER,
        senderLid: null,
        senderName: null,
        type: 'text',
        body: 'question?',
        media: null,
        mentions: [],
        mentionNames: {},
        quotedMessageId: null,
        timestamp: 1_749_999_000_000,
        ackLevel: 2,
        error: null,
        edited: false,
        deleted: false,
        placeholder: false,
        raw: JSON.stringify(incoming, BufferJSON.replacer),
      });
      const res = await client.sendText({ to: PEER, text: 'answer', replyTo: 'IN-1' });
      const quoted = sockets.last().calls.sendMessage[0]!.options?.quoted;
      expect(quoted?.key.id).toBe('IN-1');
      expect(quoted?.message?.conversation).toBe('question?');
      const row = t.store.messages.find(SESSION_ID, PEER, res.waMessageId);
      expect(row?.quoted_message_id).toBe('IN-1');
      // What went out really carries the quote (Baileys built the contextInfo from it).
      const sent = JSON.parse(t.store.messages.raw(SESSION_ID, res.waMessageId)!) as {
        message: { extendedTextMessage: { contextInfo: { stanzaId: string } } };
      };
      expect(sent.message.extendedTextMessage.contextInfo.stanzaId).toBe('IN-1');
    });

    it('a reply to a message that is not stored is a 404 and stores nothing', async () => {
      await connectOpen();
      const err = await caught(client.sendText({ to: PEER, text: 'x', replyTo: 'NOPE' }));
      expect(err.status).toBe(404);
      expect(err.message).toMatch(/not stored/);
      expect(t.store.messages.count(SESSION_ID, PEER)).toBe(0);
      expect(sockets.last().calls.sendMessage).toHaveLength(0);
    });

    it('a failed send marks the row as error and surfaces a clean AppError', async () => {
      await connectOpen();
      const fake = sockets.last();
      const failure = boom(463, 'restricted account');
      failure.stack = 'Error: restricted account\n    at secret/internal/path.js:1:1';
      fake.failSend = failure;
      const err = await caught(client.sendText({ to: PEER, text: 'hello' }));
      expect(err.status).toBe(502);
      // A known code reads as what it means for the person (whatsapp/send-errors.ts); WhatsApp's words stay in details.
      expect(err.message).toMatch(/^WhatsApp refused this message: the account is restricted .*\(463\)$/);
      expect(err.details).toMatchObject({ statusCode: 463, reason: 'restricted account' });
      expect(JSON.stringify(err.details)).not.toContain('secret/internal');
      const id = err.details['waMessageId'] as string;
      const row = t.store.messages.findById(SESSION_ID, id);
      expect(row).toMatchObject({ ack_level: 0, error: err.message });
    });

    it('announces our own send (message, pending) and its failure (message.status, error) when given a publisher', async () => {
      const published: GatewayEvent[] = [];
      storePairedCreds();
      client = makeClient({ publisher: { publish: (e) => published.push(e) } });
      await client.connect();
      sockets.last().open();
      const ok = await client.sendText({ to: PEER, text: 'one' });
      sockets.last().failSend = boom(500, 'boom');
      const err = await caught(client.sendText({ to: PEER, text: 'two' }));
      expect(published.map((e) => [e.event, e.sessionId, e.organizationId])).toEqual([
        ['message', SESSION_ID, ORG_ID],
        ['message', SESSION_ID, ORG_ID],
        ['message.status', SESSION_ID, ORG_ID],
      ]);
      expect(published[0]!.payload).toMatchObject({ waMessageId: ok.waMessageId, fromMe: true, status: 'pending', body: 'one' });
      expect(published[2]!.payload).toMatchObject({
        waMessageId: err.details['waMessageId'],
        ackLevel: 0,
        status: 'error',
        error: 'WhatsApp did not accept the message: boom',
      });
    });

    it('refuses bad input with 400 and anything before the connection is open with 501', async () => {
      client = makeClient();
      await client.connect();
      expect((await caught(client.sendText({ to: 'nobody', text: 'x' }))).status).toBe(400);
      expect((await caught(client.sendText({ to: PEER, text: '   ' }))).status).toBe(400);
      expect((await caught(client.sendText({ to: PEER, text: 'x', mentions: ['1203630000000@g.us'] }))).status).toBe(400);
      expect((await caught(client.sendText({ to: PEER, text: 'x' }))).status).toBe(501);
      expect((await caught(client.sendPresence(PEER, 'composing'))).status).toBe(501);
      expect((await caught(client.createChannel('News'))).status).toBe(501);
      expect((await caught(client.followChannel('120363012345678901@newsletter'))).status).toBe(501);
      expect(t.store.messages.count(SESSION_ID, PEER)).toBe(0);
    });
  });

  describe('presence and channels', () => {
    it('sendPresence calls sendPresenceUpdate(state, jid)', async () => {
      await connectOpen();
      await client.sendPresence(PEER, 'composing');
      expect(sockets.last().calls.presence).toEqual([{ type: 'composing', jid: PEER }]);
      expect((await caught(client.sendPresence(PEER, 'dancing' as 'paused'))).status).toBe(400);
    });

    it('createChannel creates through newsletterCreate and stores it as followed', async () => {
      await connectOpen();
      const info = await client.createChannel('Daily news', 'what happened');
      expect(sockets.last().calls.newsletterCreate).toEqual([{ name: 'Daily news', description: 'what happened' }]);
      expect(info).toEqual({
        jid: '120363099999999999@newsletter',
        name: 'Daily news',
        description: 'what happened',
        invite: 'AbCdEfGh',
        subscribers: 1,
        createdAt: 1_700_000_000_000,
      });
      expect(t.store.channels.get(SESSION_ID, info.jid)).toMatchObject({ following: true, name: 'Daily news' });
    });

    it('createChannel failures become AppErrors and store nothing', async () => {
      await connectOpen();
      sockets.last().failCreate = boom(400, 'GraphQL server error: name taken');
      const err = await caught(client.createChannel('Taken'));
      expect(err.message).toBe('WhatsApp could not create the channel: GraphQL server error: name taken');
      expect(err.details).toEqual({ statusCode: 400 });
      expect((await caught(client.createChannel(''))).status).toBe(400);
    });

    it('followChannel marks following; "already following" from WhatsApp counts as success', async () => {
      await connectOpen();
      const jid = '120363012345678901@newsletter';
      await client.followChannel(jid);
      expect(t.store.channels.get(SESSION_ID, jid)?.following).toBe(true);
      sockets.last().failFollow = boom(400, 'GraphQL server error: User is already a follower');
      await client.followChannel(jid);
      expect(sockets.last().calls.newsletterFollow).toEqual([jid, jid]);
      expect(t.store.channels.get(SESSION_ID, jid)?.following).toBe(true);
    });

    it('followChannel errors other than "already" leave the store untouched', async () => {
      await connectOpen();
      sockets.last().failFollow = boom(404, 'GraphQL server error: newsletter not found');
      const err = await caught(client.followChannel('120363000000000001@newsletter'));
      expect(err.status).toBe(502);
      expect(t.store.channels.get(SESSION_ID, '120363000000000001@newsletter')).toBeUndefined();
      expect((await caught(client.followChannel('6281234567890@s.whatsapp.net'))).status).toBe(400);
    });
  });

  describe('pairing code and logout', () => {
    it('waits for the websocket (first QR) before asking for a pairing code', async () => {
      client = makeClient();
      await client.connect();
      const fake = sockets.last();
      const pending = client.requestPairingCode('6281234567890');
      await tick();
      expect(fake.calls.pairingCode).toEqual([]);
      fake.qr('QR-1');
      await expect(pending).resolves.toBe('K7Q2M9XW');
      expect(fake.calls.pairingCode).toEqual(['6281234567890']);
    });

    it('rejects clearly: bad phone, not started, never came up, closed while waiting, already paired', async () => {
      client = makeClient({ pairingWaitMs: 30 });
      expect((await caught(client.requestPairingCode('+62 812'))).status).toBe(400);
      expect((await caught(client.requestPairingCode('6281234567890'))).status).toBe(409);
      await client.connect();
      const timedOut = await caught(client.requestPairingCode('6281234567890'));
      expect(timedOut.message).toMatch(/did not answer in time/);

      const waiting = client.requestPairingCode('6281234567890');
      sockets.last().closeWith(428, 'Connection Closed');
      expect((await caught(waiting)).status).toBe(409);

      await client.close();
      await connectOpen();
      expect((await caught(client.requestPairingCode('6281234567890'))).message).toMatch(/already paired/);
    });

    it('an abandoned pairing-code attempt resets the creds (no half-set creds.me left behind)', async () => {
      client = makeClient();
      await client.connect();
      sockets.last().qr('QR-1');
      await client.requestPairingCode('6281234567890');
      expect(createSqliteAuthState(t.store.authState, SESSION_ID, logger).state.creds.me?.id).toBe(
        '6281234567890@s.whatsapp.net',
      );
      sockets.last().closeWith(408, 'QR refs attempts ended');
      const after = createSqliteAuthState(t.store.authState, SESSION_ID, logger);
      expect(after.state.creds.me).toBeUndefined();
      expect(after.isPaired()).toBe(false);
    });

    it('logout unpairs on WhatsApp, wipes the auth rows and reports closed 401', async () => {
      await connectOpen();
      const auth = createSqliteAuthState(t.store.authState, SESSION_ID, logger);
      await auth.state.keys.set({ session: { s1: Buffer.from('k') } });
      await client.logout();
      expect(sockets.last().calls.logout).toBe(1);
      expect(t.store.authState.getCreds(SESSION_ID)).toBeUndefined();
      expect(t.store.authState.getKeys(SESSION_ID, 'session', ['s1']).size).toBe(0);
      // Reported once, with 401: by the socket's own logout close or by the adapter, whichever comes first.
      const closed = rec.updates.filter((u: ClientUpdate) => u.kind === 'closed');
      expect(closed).toHaveLength(1);
      expect(closed[0]).toMatchObject({ statusCode: 401 });
    });

    it('logout still unpairs locally when WhatsApp does not answer', async () => {
      await connectOpen();
      const fake = sockets.last();
      fake.sock.logout = async () => {
        throw boom(428, 'Connection Closed');
      };
      await client.logout();
      expect(t.store.authState.getCreds(SESSION_ID)).toBeUndefined();
      expect(rec.updates.filter((u: ClientUpdate) => u.kind === 'closed')).toEqual([
        { kind: 'closed', statusCode: 401, reason: 'logged out by the gateway' },
      ]);
      expect(fake.calls.end).toEqual([undefined]);
    });
  });

  describe('helpers', () => {
    it('accountIdentity normalises device suffixes and either id form', () => {
      expect(accountIdentity({ id: ME.id, lid: ME.lid })).toEqual({
        jid: '6289999999999@s.whatsapp.net',
        lid: '111222333444555@lid',
        phoneNumber: '6289999999999',
      });
      expect(accountIdentity({ id: '111222333444555:3@lid', phoneNumber: '6289999999999@s.whatsapp.net' })).toEqual({
        jid: '6289999999999@s.whatsapp.net',
        lid: '111222333444555@lid',
        phoneNumber: '6289999999999',
      });
      expect(accountIdentity(undefined)).toBeNull();
    });

    it('describeClose: Boom codes, our own end, and code-less errors', () => {
      expect(describeClose(boom(440, 'Stream Errored (conflict)'))).toEqual({
        statusCode: 440,
        reason: 'Stream Errored (conflict)',
      });
      expect(describeClose(undefined)).toEqual({ statusCode: undefined, reason: 'connection ended' });
      expect(describeClose(new Error('pairing failed\nat stack'))).toEqual({ statusCode: 428, reason: 'pairing failed' });
    });
  });
});
