/**
 * The adapter's sends of every kind (src-main/whatsapp/baileys/send.ts) through a socket whose sendMessage is
 * Baileys' real generateWAMessage: the content shapes we hand Baileys must produce the WhatsApp proto a phone
 * expects. Media really goes through Baileys' encryptedStream and a loopback upload (the sandbox CDN, a plain
 * HTTP server on 127.0.0.1), and is downloaded back and decrypted with Baileys' own downloadContentFromMessage.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BufferJSON, downloadContentFromMessage, proto, type WAMessage } from '@whiskeysockets/baileys';
import pino from 'pino';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { httpErrorOf } from '../../../src-main/api/error-status.js';
import { AppError } from '../../../src-main/core/errors.js';
import type { GatewayEvent } from '../../../src-main/core/events.js';
import type { OutgoingMessage, WhatsAppClient } from '../../../src-main/core/whatsapp-port.js';
import { createBaileysClientFactory } from '../../../src-main/whatsapp/baileys/adapter.js';
import { createSqliteAuthState } from '../../../src-main/whatsapp/baileys/auth-state.js';
import { readRawMessage } from '../../../src-main/whatsapp/raw-message.js';
import { startSandboxMediaCdn, type SandboxMediaCdn } from '../../../src-main/whatsapp/sandbox/media-cdn.js';
import { ME, boom, fakeSocketFactory } from './fake-socket.js';
import { ORG_ID, SESSION_ID, recordingIngestor, tempStore, tick, type TempStore } from './harness.js';

const logger = pino({ level: 'silent' });
const NOW = 1_750_000_000_000;
const PEER = '6281111111111@s.whatsapp.net';
const GROUP = '120363000000000099@g.us';
const ASSETS = join(import.meta.dirname, '../../../resources/sandbox-media');
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

async function caught(p: Promise<unknown>): Promise<AppError & { status: number }> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(AppError);
    return Object.assign(e as AppError, { status: httpErrorOf((e as AppError).code).status });
  }
  throw new Error('expected a rejection');
}

describe('adapter sends through real Baileys content generation', () => {
  let cdn: SandboxMediaCdn;
  let t: TempStore;
  let sockets: ReturnType<typeof fakeSocketFactory>;
  let client: WhatsAppClient;
  let events: GatewayEvent[];

  beforeAll(async () => {
    cdn = await startSandboxMediaCdn();
  });
  afterAll(() => cdn.close());

  beforeEach(async () => {
    t = tempStore();
    sockets = fakeSocketFactory();
    events = [];
    const auth = createSqliteAuthState(t.store.authState, SESSION_ID, logger);
    auth.state.creds.me = { ...ME };
    auth.state.creds.account = { details: Buffer.from('d'), accountSignatureKey: Buffer.alloc(32), accountSignature: Buffer.alloc(64) };
    auth.saveCreds();
    client = createBaileysClientFactory({
      store: t.store,
      ingestor: recordingIngestor(t.store),
      logger,
      socketFactory: sockets.factory,
      sandbox: false,
      now: () => NOW,
      publisher: { publish: (e) => events.push(e) },
    })({ sessionId: SESSION_ID, organizationId: ORG_ID, fullHistory: false, hooks: { onUpdate: () => {} } });
    await client.connect();
    sockets.last().open();
    // WhatsApp's media upload, on loopback: the encrypted file goes to the CDN, its URL comes back.
    let n = 0;
    sockets.last().upload = async (encFilePath, { mediaType }) => {
      n += 1;
      return { mediaUrl: cdn.put(`/up/${mediaType}-${n}.enc`, await readFile(encFilePath)), directPath: '' };
    };
  });
  afterEach(async () => {
    await client.close();
    t.cleanup();
  });

  /** What Baileys generated for the last send (the stored payload). */
  const sentPayload = (id: string): WAMessage => readRawMessage(t.store.messages.raw(SESSION_ID, id)!)!;
  const media = (bytes: Buffer, over: Partial<Extract<OutgoingMessage, { sha256: string }>> & { type: 'image' | 'video' | 'audio' | 'document' | 'sticker' }) =>
    ({ to: PEER, data: bytes, sha256: sha(bytes), mimetype: 'application/octet-stream', ...over }) as OutgoingMessage;
  const storeIncoming = (id: string, chat = PEER, participant?: string) => {
    const key = { remoteJid: chat, fromMe: false, id, ...(participant ? { participant } : {}) };
    const msg = proto.WebMessageInfo.fromObject({ key, message: { conversation: 'incoming' }, messageTimestamp: NOW / 1000 - 60 });
    t.store.chats.ensure(SESSION_ID, chat, chat.endsWith('@g.us') ? 'group' : 'dm');
    t.store.messages.insert(SESSION_ID, {
      waMessageId: id,
      chatJid: chat,
      fromMe: false,
      senderJid: participant ?? chat,
      senderLid: null,
      senderName: null,
      type: 'text',
      body: 'incoming',
      media: null,
      mentions: [],
      mentionNames: {},
      quotedMessageId: null,
      timestamp: NOW - 60_000,
      ackLevel: 3,
      error: null,
      edited: false,
      deleted: false,
      placeholder: false,
      raw: JSON.stringify(msg, BufferJSON.replacer),
    });
  };

  it('image: {image, caption, mimetype} -> an encrypted imageMessage whose upload decrypts back to our bytes; the file is recorded as done', async () => {
    const photo = readFileSync(join(ASSETS, 'photo.jpg'));
    const res = await client.send(media(photo, { type: 'image', mimetype: 'image/jpeg', caption: 'hi' }));
    expect(sockets.last().calls.sendMessage[0]!.content).toMatchObject({ image: photo, caption: 'hi', mimetype: 'image/jpeg' });
    const m = sentPayload(res.waMessageId).message!.imageMessage!;
    expect(m).toMatchObject({ caption: 'hi', mimetype: 'image/jpeg' });
    expect(Buffer.from(m.fileSha256!).toString('hex')).toBe(sha(photo));
    expect(m.jpegThumbnail?.length).toBeGreaterThan(0); // Baileys' own thumbnail (sharp)
    const stream = await downloadContentFromMessage({ mediaKey: m.mediaKey, directPath: m.directPath, url: m.url }, 'image');
    const chunks: Buffer[] = [];
    for await (const c of stream) chunks.push(c as Buffer);
    expect(sha(Buffer.concat(chunks))).toBe(sha(photo));
    const row = t.store.messages.findById(SESSION_ID, res.waMessageId)!;
    expect(t.store.media.job(row.pk)).toMatchObject({ state: 'done', sha256: sha(photo), kind: 'image' });
    expect(events.find((e) => e.event === 'message')!.payload).toMatchObject({ type: 'image', body: 'hi', media: { state: 'done', mimetype: 'image/jpeg' } });
  });

  it('audio ptt, document with fileName, video, sticker: the proto fields a phone reads', async () => {
    const voice = readFileSync(join(ASSETS, 'voice.ogg'));
    const a = await client.send(media(voice, { type: 'audio', mimetype: 'audio/ogg; codecs=opus', ptt: true }));
    expect(sentPayload(a.waMessageId).message!.audioMessage).toMatchObject({ ptt: true, mimetype: 'audio/ogg; codecs=opus' });
    expect(sentPayload(a.waMessageId).message!.audioMessage!.seconds).toBeGreaterThan(0); // music-metadata, through Baileys

    const pdf = readFileSync(join(ASSETS, 'notes.pdf'));
    const d = await client.send(media(pdf, { type: 'document', mimetype: 'application/pdf', filename: 'notes.pdf', caption: 'read me' }));
    const doc = sentPayload(d.waMessageId).message!;
    const inner = doc.documentWithCaptionMessage?.message?.documentMessage ?? doc.documentMessage!;
    expect(inner).toMatchObject({ fileName: 'notes.pdf', mimetype: 'application/pdf', caption: 'read me' });
    expect(t.store.messages.findById(SESSION_ID, d.waMessageId)).toMatchObject({ type: 'document', body: 'read me', media_filename: 'notes.pdf' });

    const clip = readFileSync(join(ASSETS, 'clip.mp4'));
    const v = await client.send(media(clip, { type: 'video', mimetype: 'video/mp4' }));
    expect(sentPayload(v.waMessageId).message!.videoMessage).toMatchObject({ mimetype: 'video/mp4' });

    const webp = readFileSync(join(ASSETS, 'sticker.webp'));
    const s = await client.send(media(webp, { type: 'sticker', mimetype: 'image/webp' }));
    expect(sentPayload(s.waMessageId).message!.stickerMessage).toMatchObject({ mimetype: 'image/webp' });
  });

  it('location, polls (single choice -> V3, several -> plain), quoted through options.quoted', async () => {
    storeIncoming('IN-1');
    const l = await client.send({ type: 'location', to: PEER, latitude: -6.2, longitude: 106.8, name: 'Monas', address: 'Jakarta', replyTo: 'IN-1' });
    const call = sockets.last().calls.sendMessage[0]!;
    expect(call.content).toEqual({ location: { degreesLatitude: -6.2, degreesLongitude: 106.8, name: 'Monas', address: 'Jakarta' } });
    expect(call.options?.quoted?.key.id).toBe('IN-1');
    const loc = sentPayload(l.waMessageId).message!.locationMessage!;
    expect(loc).toMatchObject({ degreesLatitude: -6.2, degreesLongitude: 106.8, name: 'Monas' });
    expect(loc.contextInfo?.stanzaId).toBe('IN-1');
    expect(t.store.messages.findById(SESSION_ID, l.waMessageId)).toMatchObject({ type: 'location', body: 'Monas, Jakarta', quoted_message_id: 'IN-1' });

    const single = await client.send({ type: 'poll', to: PEER, name: 'Lunch?', options: ['A', 'B'], selectableCount: 1 });
    expect(sentPayload(single.waMessageId).message!.pollCreationMessageV3).toMatchObject({
      name: 'Lunch?',
      options: [{ optionName: 'A' }, { optionName: 'B' }],
      selectableOptionsCount: 1,
    });
    const many = await client.send({ type: 'poll', to: PEER, name: 'Days', options: ['Mon', 'Tue', 'Wed'], selectableCount: 0 });
    expect(sentPayload(many.waMessageId).message!.pollCreationMessage).toMatchObject({ name: 'Days', selectableOptionsCount: 0 });
    expect(sentPayload(many.waMessageId).message!.messageContextInfo?.messageSecret?.length).toBe(32);
  });

  it('reaction: {react: {text, key}} with the stored key (participant in groups); one of ours per target; "" removes it', async () => {
    storeIncoming('G-1', GROUP, '6282222222222@s.whatsapp.net');
    const r = await client.send({ type: 'reaction', to: GROUP, messageId: 'G-1', emoji: '👍' });
    const react = sentPayload(r.waMessageId).message!.reactionMessage!;
    expect(react).toMatchObject({ text: '👍', key: { remoteJid: GROUP, id: 'G-1', fromMe: false, participant: '6282222222222@s.whatsapp.net' } });
    const r2 = await client.send({ type: 'reaction', to: GROUP, messageId: 'G-1', emoji: '🎉' });
    expect(t.store.messages.reactionsTo(SESSION_ID, GROUP, ['G-1']).map((x) => x.body)).toEqual(['🎉']);
    expect(r2.waMessageId).not.toBe(r.waMessageId);
    // Reactions do not move the chat up the list.
    expect(t.store.chats.getRow(SESSION_ID, GROUP)?.last_message_at ?? 0).toBeLessThan(NOW);
    await client.send({ type: 'reaction', to: GROUP, messageId: 'G-1', emoji: '' });
    expect(sockets.last().calls.sendMessage.at(-1)!.content).toMatchObject({ react: { text: '', key: { id: 'G-1', remoteJid: GROUP } } });
    expect(t.store.messages.reactionsTo(SESSION_ID, GROUP, ['G-1'])).toEqual([]);
    expect((await caught(client.send({ type: 'reaction', to: GROUP, messageId: 'NOPE', emoji: '👍' }))).status).toBe(404);
  });

  it('forward: {forward: WAMessage} of the stored payload (forwardingScore 1); a deleted message cannot be forwarded', async () => {
    storeIncoming('IN-2');
    const f = await client.send({ type: 'forward', to: GROUP, messageId: 'IN-2', fromChat: PEER });
    const sent = sentPayload(f.waMessageId).message!;
    expect(sent.extendedTextMessage).toMatchObject({ text: 'incoming', contextInfo: { forwardingScore: 1, isForwarded: true } });
    const row = t.store.messages.find(SESSION_ID, PEER, 'IN-2')!;
    t.store.messages.setDeleted(row.pk);
    expect((await caught(client.send({ type: 'forward', to: GROUP, messageId: 'IN-2', fromChat: PEER }))).status).toBe(409);
  });

  it('edit and revoke: MESSAGE_EDIT / REVOKE protocol messages naming our key; stored and announced once', async () => {
    const sent = await client.send({ type: 'text', to: PEER, text: 'frist' });
    await tick();
    const ref = { chatJid: PEER, waMessageId: sent.waMessageId, fromMe: true };
    await client.editMessage(ref, 'first');
    const edit = sockets.last().calls.sendMessage.at(-1)!;
    expect(edit.content).toEqual({ text: 'first', edit: expect.objectContaining({ id: sent.waMessageId, fromMe: true, remoteJid: PEER }) });
    const row = () => t.store.messages.findById(SESSION_ID, sent.waMessageId)!;
    expect(row()).toMatchObject({ body: 'first', edited: 1 });
    await client.revokeMessage(ref);
    expect(sockets.last().calls.sendMessage.at(-1)!.content).toEqual({ delete: expect.objectContaining({ id: sent.waMessageId }) });
    expect(row().deleted).toBe(1);
    const statuses = events.filter((e) => e.event === 'message.status').map((e) => e.payload);
    expect(statuses).toEqual([
      expect.objectContaining({ edited: true, body: 'first', deleted: false }),
      expect.objectContaining({ edited: true, deleted: true }),
    ]);
    storeIncoming('IN-3');
    expect((await caught(client.editMessage({ chatJid: PEER, waMessageId: 'IN-3', fromMe: false }, 'x'))).status).toBe(403);
    expect((await caught(client.revokeMessage({ chatJid: PEER, waMessageId: 'NOPE', fromMe: true }))).status).toBe(404);
  });

  it('read receipts: readMessages with the stored keys', async () => {
    storeIncoming('G-2', GROUP, '6283333333333@s.whatsapp.net');
    await client.sendReadReceipts([{ chatJid: GROUP, waMessageId: 'G-2', fromMe: false }]);
    expect(sockets.last().calls.readMessages).toEqual([
      [expect.objectContaining({ remoteJid: GROUP, id: 'G-2', participant: '6283333333333@s.whatsapp.net', fromMe: false })],
    ]);
  });

  it('a refused send is stored as failed with a readable text; a retry resends the same id and content', async () => {
    sockets.last().failSend = boom(479, 'smax-invalid');
    const err = await caught(client.send({ type: 'text', to: PEER, text: 'again?' }));
    expect(err.status).toBe(502);
    expect(err.message).toMatch(/^WhatsApp rejected this message as invalid \(479\)/);
    const id = err.details['waMessageId'] as string;
    expect(t.store.messages.findById(SESSION_ID, id)).toMatchObject({ ack_level: 0, error: err.message });
    delete sockets.last().failSend;
    const again = await client.send({ type: 'text', to: PEER, text: 'again?' }, { retryOf: id });
    expect(again.waMessageId).toBe(id);
    expect(sockets.last().calls.sendMessage.at(-1)!.options?.messageId).toBe(id);
    expect(t.store.messages.findById(SESSION_ID, id)).toMatchObject({ ack_level: 1, error: null });
    expect(t.store.messages.count(SESSION_ID, PEER)).toBe(1);
    // Only a failed message can be retried.
    expect((await caught(client.send({ type: 'text', to: PEER, text: 'again?' }, { retryOf: id }))).status).toBe(409);
  });

  it('a timeout-like refusal reads as such', async () => {
    sockets.last().failSend = boom(408, 'Timed Out');
    expect((await caught(client.send({ type: 'text', to: PEER, text: 'x' }))).message).toBe('WhatsApp did not confirm the message in time');
  });
});
