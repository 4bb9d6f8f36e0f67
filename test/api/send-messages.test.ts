/**
 * Sending every kind of message over real HTTP on a sandbox gateway (docs/API.md "Sending and acting on
 * messages"): JSON with base64 and multipart/form-data, the stored pending row with its file in the media store,
 * receipts, what the simulated contact received (GET .../sandbox), the documented errors (400/404/413/415/422/501/
 * 502) and never a 500. The sandbox runs the real Baileys adapter: every send goes through Baileys'
 * generateWAMessage (media really encrypted and uploaded to the sandbox CDN).
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MessageRecord } from '../../src-main/core/types.js';
import { startTestGateway, textRecord, type TestGateway } from '../helpers/gateway.js';

const ASSETS = join(import.meta.dirname, '../../resources/sandbox-media');
const asset = (name: string) => readFileSync(join(ASSETS, name));
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const MAX = 1024 * 1024; // the test gateway's send limit (config.sendMediaMaxBytes)

describe('sending over HTTP (sandbox)', () => {
  let g: TestGateway;
  let key: string;
  let sid: string;
  /** A DM of the sandbox account with messages from the other side. */
  let dm: string;
  let incomingId: string;

  const base = () => `/api/v1/sessions/${sid}`;
  const chatPath = (jid: string) => `${base()}/chats/${encodeURIComponent(jid)}`;
  const send = (body: unknown) => g.req('POST', `${base()}/messages`, { auth: key, body });
  const messages = async (jid: string) => (await g.req('GET', `${chatPath(jid)}/messages?limit=200`, { auth: key })).body.data as any[];
  const message = async (jid: string, id: string) => (await messages(jid)).find((m) => m.id === id);
  const sandboxState = async () => (await g.req('GET', `${base()}/sandbox`, { auth: key })).body;
  const events = (name: string) =>
    g.store.events
      .after(g.organizationId, 0, 100_000)
      .filter((e) => e.event === name)
      .map((e) => JSON.parse(e.payload));
  /** A multipart request as a browser or curl -F sends it (Node's fetch builds the body). */
  const multipart = async (fields: Record<string, string>, file?: { bytes: Buffer; name: string; type?: string }) => {
    const form = new FormData();
    for (const [k, v] of Object.entries(fields)) form.append(k, v);
    if (file) form.append('file', new Blob([new Uint8Array(file.bytes)], file.type ? { type: file.type } : {}), file.name);
    const res = await fetch(`${g.info.url}${base()}/messages`, { method: 'POST', headers: { authorization: `Bearer ${key}` }, body: form });
    return { status: res.status, body: (await res.json()) as any };
  };

  beforeAll(async () => {
    g = await startTestGateway({ config: { sandbox: { ensureSession: true, seed: 5, ratePerMinute: 0 }, sendMediaMaxBytes: MAX, logLevel: 'info' } });
    key = g.key(['read', 'send', 'manage']);
    const deadline = Date.now() + 90_000;
    for (;;) {
      const s = (await g.req('GET', '/api/v1/sessions', { auth: key })).body.data.find((x: any) => x.sandbox);
      if (s?.status === 'working' && s.sync?.state === 'complete') {
        sid = s.id;
        break;
      }
      if (Date.now() > deadline) throw new Error('the sandbox did not sync in 90 s');
      await new Promise((r) => setTimeout(r, 200));
    }
    const row = g.store.db
      .prepare(
        `SELECT m.chat_jid AS chat, m.wa_message_id AS id FROM messages m JOIN chats c ON c.session_id = m.session_id AND c.jid = m.chat_jid
          WHERE m.session_id = ? AND c.type = 'dm' AND m.chat_jid LIKE '%@s.whatsapp.net' AND m.from_me = 0 AND m.type = 'text'
            AND m.deleted = 0 AND m.raw IS NOT NULL ORDER BY m.timestamp DESC LIMIT 1`,
      )
      .get(sid) as { chat: string; id: string };
    dm = row.chat;
    incomingId = row.id;
  }, 120_000);
  afterAll(() => g?.close());

  it('text with a reply: stored at once as pending, then delivered and read; the contact received it', async () => {
    const res = await send({ type: 'text', to: dm, text: 'hello from the API', replyTo: incomingId });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ waMessageId: expect.any(String), status: expect.stringMatching(/^(pending|sent)$/) });
    const id = res.body.waMessageId as string;
    expect(await message(dm, id)).toMatchObject({ fromMe: true, type: 'text', body: 'hello from the API', quotedMessageId: incomingId });
    await expect.poll(async () => (await message(dm, id))?.status, { timeout: 15_000, interval: 200 }).toBe('read');
    expect((await sandboxState()).received).toContainEqual(expect.objectContaining({ id, to: dm, kind: 'text', text: 'hello from the API' }));
    expect(events('message').some((m) => m.id === id && m.status === 'pending')).toBe(true);
  });

  it('a photo as JSON base64: the file is in the media store at once (state done, same bytes served), thumbnail made by Baileys', async () => {
    const photo = asset('photo.jpg');
    const res = await send({ type: 'image', to: dm, data: photo.toString('base64'), caption: 'look at this', replyTo: incomingId });
    expect(res.status).toBe(200);
    const id = res.body.waMessageId as string;
    const m = await message(dm, id);
    expect(m).toMatchObject({ type: 'image', body: 'look at this', hasMedia: true, quotedMessageId: incomingId });
    expect(m.media).toMatchObject({ mimetype: 'image/jpeg', size: photo.length, state: 'done', thumbnail: true });
    expect(m.media.width).toBeGreaterThan(0);
    const file = await fetch(`${g.info.url}${chatPath(dm)}/messages/${id}/media`, { headers: { authorization: `Bearer ${key}` } });
    expect(file.status).toBe(200);
    expect(sha(Buffer.from(await file.arrayBuffer()))).toBe(sha(photo));
    // What went out is a real WhatsApp image message: encrypted, uploaded, with the hash of our bytes.
    const raw = JSON.parse(g.store.messages.raw(sid, id)!);
    expect(Buffer.from(raw.message.imageMessage.fileSha256, 'base64').toString('hex')).toBe(sha(photo));
    expect(raw.message.imageMessage.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v\/t62\.image\//);
    expect((await sandboxState()).received).toContainEqual(expect.objectContaining({ id, kind: 'image', text: 'look at this' }));
    const announced = events('message').find((e) => e.id === id);
    expect(announced.media).toMatchObject({ state: 'done' });
  });

  it('multipart/form-data: a document (type from the part), a voice note (ptt) and a WebP sticker; mimetypes sniffed', async () => {
    const pdf = asset('notes.pdf');
    const doc = await multipart({ type: 'document', to: dm, caption: 'the notes' }, { bytes: pdf, name: 'notes.pdf', type: 'application/pdf' });
    expect(doc.status).toBe(200);
    expect((await message(dm, doc.body.waMessageId)).media).toMatchObject({ filename: 'notes.pdf', mimetype: 'application/pdf', state: 'done' });

    const voice = await multipart({ type: 'audio', to: dm, ptt: 'true' }, { bytes: asset('voice.ogg'), name: 'voice.ogg' });
    expect(voice.status).toBe(200);
    const v = await message(dm, voice.body.waMessageId);
    expect(v).toMatchObject({ type: 'audio' });
    expect(v.media).toMatchObject({ mimetype: 'audio/ogg; codecs=opus', ptt: true, state: 'done' });

    const sticker = await multipart({ type: 'sticker', to: dm }, { bytes: asset('sticker.webp'), name: 'x.bin', type: 'application/octet-stream' });
    expect(sticker.status).toBe(200);
    expect((await message(dm, sticker.body.waMessageId)).media).toMatchObject({ mimetype: 'image/webp' });

    const received = (await sandboxState()).received as any[];
    expect(received.filter((r) => [doc.body.waMessageId, voice.body.waMessageId, sticker.body.waMessageId].includes(r.id)).map((r) => r.kind)).toEqual([
      'document',
      'audio',
      'sticker',
    ]);
    await expect.poll(async () => (await message(dm, voice.body.waMessageId))?.status, { timeout: 15_000, interval: 200 }).toBe('read');
  });

  it('a video as JSON', async () => {
    const res = await send({ type: 'video', to: dm, data: asset('clip.mp4').toString('base64'), filename: 'clip.mp4' });
    expect(res.status).toBe(200);
    expect((await message(dm, res.body.waMessageId)).media).toMatchObject({ mimetype: 'video/mp4', state: 'done' });
  });

  it('location and poll: stored with their details; the contact received them', async () => {
    const loc = await send({ type: 'location', to: dm, latitude: -6.2, longitude: 106.816666, name: 'Monas', address: 'Jakarta' });
    expect(loc.status).toBe(200);
    expect(await message(dm, loc.body.waMessageId)).toMatchObject({
      type: 'location',
      location: { latitude: -6.2, longitude: 106.816666, name: 'Monas', address: 'Jakarta' },
    });
    const poll = await send({ type: 'poll', to: dm, name: 'Lunch?', options: ['Nasi goreng', 'Sate'], selectableCount: 1 });
    expect(poll.status).toBe(200);
    expect(await message(dm, poll.body.waMessageId)).toMatchObject({
      type: 'poll',
      body: 'Lunch?',
      poll: { name: 'Lunch?', options: [{ name: 'Nasi goreng', votes: 0 }, { name: 'Sate', votes: 0 }], selectableCount: 1 },
    });
    const kinds = ((await sandboxState()).received as any[]).filter((r) => r.id === loc.body.waMessageId || r.id === poll.body.waMessageId);
    expect(kinds.map((r) => [r.kind, r.text])).toEqual([
      ['location', 'Monas'],
      ['poll', 'Lunch?'],
    ]);
  });

  it('a reaction shows on its target; another replaces it; "" takes it back', async () => {
    const first = await send({ type: 'reaction', to: dm, messageId: incomingId, emoji: '👍' });
    expect(first.status).toBe(200);
    expect((await message(dm, incomingId)).reactions).toEqual([expect.objectContaining({ emoji: '👍' })]);
    expect((await send({ type: 'reaction', to: dm, messageId: incomingId, emoji: '❤️' })).status).toBe(200);
    expect((await message(dm, incomingId)).reactions).toEqual([expect.objectContaining({ emoji: '❤️' })]);
    const removed = await send({ type: 'reaction', to: dm, messageId: incomingId, emoji: '' });
    expect(removed.status).toBe(200);
    // The echo of the removal comes through ingestion too; the target ends with no reaction of ours.
    await expect.poll(async () => (await message(dm, incomingId)).reactions, { timeout: 5_000, interval: 100 }).toBeUndefined();
    expect(events('message').some((e) => e.id === removed.body.waMessageId && e.type === 'reaction' && e.body === '')).toBe(true);
    const reactions = ((await sandboxState()).received as any[]).filter((r) => r.kind === 'reaction').map((r) => r.text);
    expect(reactions.slice(-3)).toEqual(['👍', '❤️', '']);
  });

  it('forward: the copy is ours and shares a stored file; a message from someone else arrives marked forwarded', async () => {
    const photo = await send({ type: 'image', to: dm, data: asset('photo.png').toString('base64') });
    const other = g.store.db
      .prepare(`SELECT jid FROM chats WHERE session_id = ? AND type = 'dm' AND jid LIKE '%@s.whatsapp.net' AND jid <> ? LIMIT 1`)
      .get(sid, dm) as { jid: string };
    const fwd = await send({ type: 'forward', to: other.jid, messageId: photo.body.waMessageId, fromChat: dm });
    expect(fwd.status).toBe(200);
    const copy = await message(other.jid, fwd.body.waMessageId);
    expect(copy).toMatchObject({ fromMe: true, type: 'image', media: expect.objectContaining({ state: 'done', mimetype: 'image/png' }) });
    // Our own message forwarded is not labelled "Forwarded" (WhatsApp's rule, in Baileys' generateForwardMessageContent).
    expect((await sandboxState()).received).toContainEqual(expect.objectContaining({ id: fwd.body.waMessageId, kind: 'image', to: other.jid }));
    const text = await send({ type: 'forward', to: other.jid, messageId: incomingId, fromChat: dm });
    expect(text.status).toBe(200);
    expect(await message(other.jid, text.body.waMessageId)).toMatchObject({ type: 'text', fromMe: true });
    expect((await sandboxState()).received).toContainEqual(expect.objectContaining({ id: text.body.waMessageId, kind: 'forward', to: other.jid }));
    const raw = JSON.parse(g.store.messages.raw(sid, text.body.waMessageId)!);
    expect(raw.message.extendedTextMessage.contextInfo).toMatchObject({ isForwarded: true, forwardingScore: 1 });
  });

  it('edit: our text changes (edited, message.status with the body); the contact saw the edit', async () => {
    const sent = await send({ type: 'text', to: dm, text: 'typo hree' });
    const id = sent.body.waMessageId as string;
    const res = await g.req('PATCH', `${chatPath(dm)}/messages/${id}`, { auth: key, body: { text: 'typo here' } });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id, body: 'typo here', edited: true, fromMe: true });
    expect(await message(dm, id)).toMatchObject({ body: 'typo here', edited: true });
    expect(events('message.status').some((e) => e.waMessageId === id && e.edited && e.body === 'typo here')).toBe(true);
    await expect
      .poll(async () => ((await sandboxState()).received as any[]).some((r) => r.kind === 'edit' && r.text === 'typo here'), { timeout: 5_000 })
      .toBe(true);
  });

  it('edit errors: someone else\'s 403, too late 409, not text 409, unknown 404, bad body 400, never 500', async () => {
    const path = (id: string, chat = dm) => `${chatPath(chat)}/messages/${encodeURIComponent(id)}`;
    expect((await g.req('PATCH', path(incomingId), { auth: key, body: { text: 'mine now' } })).status).toBe(403);
    // Our own message from 20 minutes ago: outside WhatsApp's 15-minute window.
    const old = Date.now() - 20 * 60 * 1000;
    g.store.messages.insert(sid, { ...ours(dm, 'OLD-OURS-1', old), body: 'long ago' });
    const late = await g.req('PATCH', path('OLD-OURS-1'), { auth: key, body: { text: 'too late' } });
    expect(late.status).toBe(409);
    expect(late.body.error.message).toMatch(/15 minutes/);
    const loc = await send({ type: 'location', to: dm, latitude: 1, longitude: 2 });
    expect((await g.req('PATCH', path(loc.body.waMessageId), { auth: key, body: { text: 'x' } })).status).toBe(409);
    expect((await g.req('PATCH', path('NO-SUCH-ID'), { auth: key, body: { text: 'x' } })).status).toBe(404);
    expect((await g.req('PATCH', path('NO-SUCH-ID', '6200000000001@s.whatsapp.net'), { auth: key, body: { text: 'x' } })).status).toBe(404);
    const fresh = await send({ type: 'text', to: dm, text: 'fine' });
    expect((await g.req('PATCH', path(fresh.body.waMessageId), { auth: key, body: { text: '' } })).status).toBe(400);
    expect((await g.req('PATCH', path(fresh.body.waMessageId), { auth: key, body: { text: 'x', extra: 1 } })).status).toBe(400);
    expect((await g.req('PATCH', path(fresh.body.waMessageId), { auth: g.key(['read']), body: { text: 'x' } })).status).toBe(403);
  });

  it('delete for everyone revokes our message (deleted, the contact saw it); for me removes the stored copy', async () => {
    const sent = await send({ type: 'text', to: dm, text: 'oops' });
    const id = sent.body.waMessageId as string;
    const res = await g.req('DELETE', `${chatPath(dm)}/messages/${id}?for=everyone`, { auth: key });
    expect(res.status).toBe(204);
    expect(await message(dm, id)).toMatchObject({ deleted: true });
    expect(events('message.status').some((e) => e.waMessageId === id && e.deleted)).toBe(true);
    expect((await sandboxState()).received).toContainEqual(expect.objectContaining({ kind: 'delete', text: id }));
    // Again: already revoked, still 204.
    expect((await g.req('DELETE', `${chatPath(dm)}/messages/${id}?for=everyone`, { auth: key })).status).toBe(204);

    const local = await send({ type: 'text', to: dm, text: 'just here' });
    expect((await g.req('DELETE', `${chatPath(dm)}/messages/${local.body.waMessageId}?for=me`, { auth: key })).status).toBe(204);
    expect(await message(dm, local.body.waMessageId)).toBeUndefined();
    expect(events('message.removed')).toContainEqual({ chatJid: dm, waMessageId: local.body.waMessageId });
  });

  it('delete errors: someone else\'s for everyone 403, too late 409, missing or bad `for` 400, unknown 404', async () => {
    const path = (id: string, q: string) => `${chatPath(dm)}/messages/${encodeURIComponent(id)}${q}`;
    const forbidden = await g.req('DELETE', path(incomingId, '?for=everyone'), { auth: key });
    expect(forbidden.status).toBe(403);
    expect(forbidden.body.error.message).toMatch(/only messages sent from this account/);
    g.store.messages.insert(sid, ours(dm, 'OLD-OURS-2', Date.now() - 3 * 24 * 3600 * 1000));
    expect((await g.req('DELETE', path('OLD-OURS-2', '?for=everyone'), { auth: key })).status).toBe(409);
    expect((await g.req('DELETE', path('OLD-OURS-2', ''), { auth: key })).status).toBe(400);
    expect((await g.req('DELETE', path('OLD-OURS-2', '?for=all'), { auth: key })).status).toBe(400);
    expect((await g.req('DELETE', path('NO-SUCH-ID', '?for=me'), { auth: key })).status).toBe(404);
  });

  it('read: clears the counter, announces chat.updated, and sends read receipts the contact saw (receipts=true)', async () => {
    const unread = g.store.db
      .prepare(`SELECT jid, unread_count AS n FROM chats WHERE session_id = ? AND unread_count > 0 AND type = 'dm' LIMIT 1`)
      .get(sid) as { jid: string; n: number } | undefined;
    expect(unread, 'the sandbox leaves some chats unread').toBeDefined();
    const res = await g.req('POST', `${chatPath(unread!.jid)}/read?receipts=true`, { auth: key });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ jid: unread!.jid, unreadCount: 0 });
    expect(events('chat.updated').some((c) => c.jid === unread!.jid && c.unreadCount === 0)).toBe(true);
    const receipts = (await sandboxState()).readReceipts as { jid: string; ids: string[] }[];
    const ids = receipts.flatMap((r) => r.ids);
    const newest = (await messages(unread!.jid)).find((m) => !m.fromMe && m.type !== 'system' && m.type !== 'reaction');
    expect(ids).toContain(newest.id);
    // The session's autoRead is off: without `receipts`, nothing more is sent; read twice is fine.
    const before = receipts.length;
    g.store.db.prepare('UPDATE chats SET unread_count = 2 WHERE session_id = ? AND jid = ?').run(sid, unread!.jid);
    expect((await g.req('POST', `${chatPath(unread!.jid)}/read`, { auth: key })).status).toBe(200);
    expect((await sandboxState()).readReceipts).toHaveLength(before);
    expect((await g.req('POST', `${chatPath(unread!.jid)}/read?receipts=maybe`, { auth: key })).status).toBe(400);
  });

  it('a send WhatsApp refuses at once: 502 with a readable message, stored as failed; :retry sends it again', async () => {
    const to = '0009123456789@s.whatsapp.net';
    const res = await send({ type: 'text', to, text: 'will fail' });
    expect(res.status).toBe(502);
    expect(res.body.error.message).toBe('WhatsApp did not confirm the message in time');
    const id = res.body.error.details.waMessageId as string;
    expect(await message(to, id)).toMatchObject({ status: 'error', error: 'WhatsApp did not confirm the message in time' });
    // Retrying against the same refusing number fails the same way (and stays one message).
    const again = await g.req('POST', `${chatPath(to)}/messages/${id}:retry`, { auth: key });
    expect(again.status).toBe(502);
    expect((await messages(to)).filter((m) => m.id === id)).toHaveLength(1);
  });

  it('an error ack that arrives later (463) is stored with a readable text; a failed media send is retried with its file', async () => {
    const late = await send({ type: 'text', to: '0001234567@s.whatsapp.net', text: 'restricted' });
    expect(late.status).toBe(200);
    await expect
      .poll(async () => (await message('0001234567@s.whatsapp.net', late.body.waMessageId))?.error, { timeout: 10_000, interval: 200 })
      .toMatch(/^WhatsApp refused this message: the account is restricted/);

    const photo = await send({ type: 'image', to: dm, data: asset('photo.jpg').toString('base64'), caption: 'again' });
    const id = photo.body.waMessageId as string;
    await expect.poll(async () => (await message(dm, id))?.status, { timeout: 15_000, interval: 200 }).toBe('read');
    // As if the send had failed: the retry takes the file from the media store and sends it under the same id.
    const row = g.store.messages.find(sid, dm, id)!;
    g.store.messages.setError(row.pk, 'simulated failure');
    const retry = await g.req('POST', `${chatPath(dm)}/messages/${id}:retry`, { auth: key });
    expect(retry.status).toBe(200);
    expect(retry.body.waMessageId).toBe(id);
    await expect.poll(async () => (await message(dm, id))?.status, { timeout: 15_000, interval: 200 }).toBe('read');
    expect(((await sandboxState()).received as any[]).filter((r) => r.id === id).map((r) => r.kind)).toEqual(['image', 'image']);
    // Not failed: 409; someone else's: 403; unknown: 404.
    expect((await g.req('POST', `${chatPath(dm)}/messages/${id}:retry`, { auth: key })).status).toBe(409);
    expect((await g.req('POST', `${chatPath(dm)}/messages/${incomingId}:retry`, { auth: key })).status).toBe(403);
    expect((await g.req('POST', `${chatPath(dm)}/messages/NO-SUCH-ID:retry`, { auth: key })).status).toBe(404);
  });

  it('bad input: 400 / 404 / 413 / 415 / 422, nothing stored, never a 500', async () => {
    const count = () => g.store.messages.count(sid, dm);
    const before = count();
    const expectError = async (body: unknown, status: number, match?: RegExp) => {
      const res = await send(body);
      expect(res.status, JSON.stringify(body).slice(0, 200)).toBe(status);
      if (match) expect(res.body.error.message).toMatch(match);
    };
    await expectError({ type: 'text', to: dm, text: 'x', replyTo: 'NO-SUCH-ID' }, 404, /replyTo/);
    await expectError({ type: 'reaction', to: dm, messageId: 'NO-SUCH-ID', emoji: '👍' }, 404, /messageId/);
    await expectError({ type: 'forward', to: dm, messageId: 'NO-SUCH-ID', fromChat: dm }, 404);
    await expectError({ type: 'image', to: dm, data: asset('photo.jpg').toString('base64'), replyTo: 'NO-SUCH-ID' }, 404);
    await expectError({ type: 'fax', to: dm }, 400);
    await expectError({ type: 'text', to: 'nobody', text: 'x' }, 400);
    await expectError({ type: 'image', to: dm }, 400, /data/);
    await expectError({ type: 'image', to: dm, data: 'not base64!!' }, 400, /base64/);
    await expectError({ type: 'sticker', to: dm, data: asset('photo.jpg').toString('base64') }, 422, /WebP/);
    await expectError({ type: 'image', to: dm, data: asset('notes.pdf').toString('base64') }, 422, /image/);
    await expectError({ type: 'audio', to: dm, data: asset('voice.ogg').toString('base64'), caption: 'no' }, 400, /caption/);
    await expectError({ type: 'poll', to: dm, name: 'one option', options: ['only'] }, 400);
    await expectError({ type: 'poll', to: dm, name: 'dupes', options: ['a', 'a'] }, 400);
    await expectError({ type: 'poll', to: dm, name: 'count', options: ['a', 'b'], selectableCount: 3 }, 400);
    await expectError({ type: 'location', to: dm, latitude: 91, longitude: 0 }, 400);
    await expectError({ type: 'reaction', to: dm, messageId: incomingId, emoji: 'x'.repeat(40) }, 400);
    // Decoded, the file is over the limit: 413 with a sentence.
    await expectError({ type: 'document', to: dm, data: Buffer.alloc(MAX + 10, 1).toString('base64') }, 413, /larger than 1 MiB/);
    // The request itself is over the route's limit: refused from Content-Length, before it is read.
    const huge = await g.raw('POST', `${base()}/messages`, {
      auth: key,
      headers: { 'content-type': 'application/json' },
      rawBody: JSON.stringify({ type: 'document', to: dm, data: 'A'.repeat(3 * MAX) }),
    });
    expect(huge.status).toBe(413);
    expect(huge.body.error.code).toBe('payload_too_large');
    const multi = await multipart({ type: 'document', to: dm }, { bytes: Buffer.alloc(MAX + 1, 2), name: 'big.bin' });
    expect(multi.status).toBe(413);
    const wrongType = await g.raw('POST', `${base()}/messages`, { auth: key, headers: { 'content-type': 'text/plain' }, rawBody: 'hi' });
    expect(wrongType.status).toBe(415);
    expect((await multipart({ type: 'location', to: dm, latitude: '1', longitude: '2' }, { bytes: Buffer.from('x'), name: 'a.txt' })).status).toBe(400);
    expect((await multipart({ type: 'image', to: dm })).status).toBe(400);
    expect(count()).toBe(before);
  });

  it('without a live client: 501 after the input and the named messages were checked', async () => {
    const other = g.session('offline');
    const path = `/api/v1/sessions/${other}/messages`;
    expect((await g.req('POST', path, { auth: key, body: { type: 'text', to: dm, text: 'x' } })).status).toBe(501);
    expect((await g.req('POST', path, { auth: key, body: { type: 'text', to: dm, text: 'x', replyTo: 'NOPE' } })).status).toBe(404);
    expect((await g.req('POST', path, { auth: key, body: { type: 'text', to: 'x' } })).status).toBe(400);
    g.seedChat(other, dm, 1);
    const mine = ours(dm, 'OFFLINE-OURS', Date.now());
    g.store.messages.insert(other, mine);
    const chat = `/api/v1/sessions/${other}/chats/${encodeURIComponent(dm)}`;
    expect((await g.req('PATCH', `${chat}/messages/OFFLINE-OURS`, { auth: key, body: { text: 'x' } })).status).toBe(501);
    expect((await g.req('DELETE', `${chat}/messages/OFFLINE-OURS?for=everyone`, { auth: key })).status).toBe(501);
    expect((await g.req('POST', `${chat}/read?receipts=true`, { auth: key })).status).toBe(200);
    expect((await g.req('DELETE', `${chat}/messages/OFFLINE-OURS?for=me`, { auth: key })).status).toBe(204);
    // Another organization's session stays invisible.
    expect((await g.req('POST', '/api/v1/sessions/01ARZ3NDEKTSV4RRFFQ69G5FAV/messages', { auth: key, body: { type: 'text', to: dm, text: 'x' } })).status).toBe(404);
  });
});

/** A stored text message of ours (fromMe, no sender), as a phone-sent message is stored. */
function ours(chatJid: string, id: string, timestamp: number): MessageRecord {
  return { ...textRecord(chatJid, id, timestamp, 'ours'), fromMe: true, senderJid: null, senderName: null };
}
