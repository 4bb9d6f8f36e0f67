/**
 * The media archive over HTTP against the sandbox (docs/API.md "The archive in use"): every kind downloads
 * through Baileys' decryption from the sandbox's loopback CDN and is served with the contract's headers;
 * ranges, validators, the thumbnail variant, the expired photo's re-upload, a tampered hash, capabilities,
 * storage, the policy, Message media fields, and garbage collection after chat and session deletes.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXPIRED_PHOTO_CAPTION } from '../../src-main/whatsapp/sandbox/compose.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { seedSessionRow } from '../helpers/store.js';

const ASSETS = join(import.meta.dirname, '../../resources/sandbox-media');
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const ORIGINALS = new Set(['photo.jpg', 'photo.png', 'clip.mp4', 'voice.ogg', 'notes.pdf', 'sticker.webp'].map((f) => sha(readFileSync(join(ASSETS, f)))));
const TYPES: Record<string, RegExp> = {
  image: /^image\/(jpeg|png)$/,
  video: /^video\/mp4$/,
  audio: /^audio\/ogg; codecs=opus$/,
  document: /^application\/pdf$/,
  sticker: /^image\/webp$/,
};

interface Row {
  chat_jid: string;
  wa_message_id: string;
  type: string;
  raw: string;
}

/** Bytes of a response (the helper keeps text; media needs the exact bytes). */
async function bytes(g: TestGateway, path: string, headers: Record<string, string>): Promise<{ status: number; headers: Headers; body: Buffer }> {
  const res = await fetch(`${g.info.url}${path}`, { headers });
  return { status: res.status, headers: res.headers, body: Buffer.from(await res.arrayBuffer()) };
}

describe('media archive over HTTP (sandbox)', () => {
  let g: TestGateway;
  let key: string;
  let sessionId: string;
  const auth = () => ({ authorization: `Bearer ${key}` });
  const mediaPath = (r: Pick<Row, 'chat_jid' | 'wa_message_id'>, suffix = '') =>
    `/api/v1/sessions/${sessionId}/chats/${encodeURIComponent(r.chat_jid)}/messages/${encodeURIComponent(r.wa_message_id)}/media${suffix}`;
  /** One downloadable sandbox media message per kind (real media on the CDN, not the expired photo). */
  /** The `<kind>Message` of a stored payload, inside whatever wrapper (view-once, ephemeral...) it came in. */
  const contentOf = (message: unknown, key: string): { fileSha256: string } => {
    const find = (o: unknown): { fileSha256: string } | undefined => {
      if (!o || typeof o !== 'object') return undefined;
      const hit = (o as Record<string, unknown>)[key] as { fileSha256: string } | undefined;
      return hit ?? Object.values(o).map(find).find(Boolean);
    };
    const found = find(message);
    if (!found) throw new Error(`no ${key} in the stored payload`);
    return found;
  };
  const sample = (type: string, skip = 0): Row =>
    g.store.db
      .prepare(
        `SELECT chat_jid, wa_message_id, type, raw FROM messages WHERE session_id = ? AND type = ? AND has_media = 1
           AND raw LIKE '%127.0.0.1%' AND body <> ? AND chat_jid NOT LIKE '%@newsletter' ORDER BY pk LIMIT 1 OFFSET ?`,
      )
      .get(sessionId, type, EXPIRED_PHOTO_CAPTION, skip) as Row;

  beforeAll(async () => {
    g = await startTestGateway({ config: { sandbox: { ensureSession: true, seed: 7, ratePerMinute: 0 }, logLevel: 'info' } });
    key = g.key(['read', 'send', 'manage']);
    const deadline = Date.now() + 60_000;
    while ((await g.req('GET', '/api/v1/sessions', { auth: key })).body.data[0]?.sync?.state !== 'complete') {
      if (Date.now() > deadline) throw new Error('the sandbox history sync did not complete in 60 s');
      await new Promise((r) => setTimeout(r, 200));
    }
    sessionId = (await g.req('GET', '/api/v1/sessions', { auth: key })).body.data[0].id;
  }, 90_000);
  afterAll(() => g?.close());

  it('every kind downloads through decryption, with the right type, the original bytes and the contract headers', async () => {
    for (const kind of Object.keys(TYPES)) {
      const row = sample(kind);
      expect(row, `a sandbox ${kind} message`).toBeDefined();
      const res = await bytes(g, mediaPath(row), auth());
      expect(res.status, kind).toBe(200);
      expect(res.headers.get('content-type')).toMatch(TYPES[kind]!);
      expect(ORIGINALS.has(sha(res.body)), `${kind}: sha256 of the served bytes is a sandbox original`).toBe(true);
      expect(res.headers.get('etag')).toBe(`"${sha(res.body)}"`);
      expect(res.headers.get('content-length')).toBe(String(res.body.length));
      expect(res.headers.get('accept-ranges')).toBe('bytes');
      expect(res.headers.get('cache-control')).toBe('private, max-age=31536000, immutable');
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('content-security-policy')).toBe("sandbox; default-src 'none'");
      if (kind === 'document') expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename="notes\.pdf"; filename\*=UTF-8''notes\.pdf$/);
      else expect(res.headers.get('content-disposition')).toBe('inline');
    }
  });

  it('Range 0-99 is 206 with 100 bytes; a bad range is 416; If-None-Match is 304', async () => {
    const row = sample('video');
    const full = await bytes(g, mediaPath(row), auth());
    const part = await bytes(g, mediaPath(row), { ...auth(), range: 'bytes=0-99' });
    expect(part.status).toBe(206);
    expect(part.body.length).toBe(100);
    expect(part.body.equals(full.body.subarray(0, 100))).toBe(true);
    expect(part.headers.get('content-range')).toBe(`bytes 0-99/${full.body.length}`);
    const bad = await bytes(g, mediaPath(row), { ...auth(), range: `bytes=${full.body.length + 10}-` });
    expect(bad.status).toBe(416);
    expect(bad.headers.get('content-range')).toBe(`bytes */${full.body.length}`);
    const cached = await bytes(g, mediaPath(row), { ...auth(), 'if-none-match': full.headers.get('etag')! });
    expect(cached.status).toBe(304);
    expect(cached.body.length).toBe(0);
  });

  it('the thumbnail variant is the embedded JPEG; a bad variant is 400; a message without media is 404', async () => {
    const row = sample('image');
    const thumb = await bytes(g, mediaPath(row, '?variant=thumbnail'), auth());
    expect(thumb.status).toBe(200);
    expect(thumb.headers.get('content-type')).toBe('image/jpeg');
    expect([...thumb.body.subarray(0, 3)]).toEqual([0xff, 0xd8, 0xff]);
    expect((await g.req('GET', mediaPath(row, '?variant=huge'), { auth: key })).status).toBe(400);
    const text = g.store.db
      .prepare(`SELECT chat_jid, wa_message_id FROM messages WHERE session_id = ? AND type = 'text' LIMIT 1`)
      .get(sessionId) as Row;
    expect((await g.req('GET', mediaPath(text), { auth: key })).status).toBe(404);
    expect((await g.req('GET', mediaPath({ ...text, wa_message_id: 'NO_SUCH_ID' }), { auth: key })).status).toBe(404);
  });

  it('the expired photo goes through the phone\'s re-upload and is served; its stored location is updated', async () => {
    const row = g.store.db
      .prepare(`SELECT chat_jid, wa_message_id, type, raw FROM messages WHERE session_id = ? AND body = ?`)
      .get(sessionId, EXPIRED_PHOTO_CAPTION) as Row;
    expect(row).toBeDefined();
    const url = (raw: string) => /"url":"([^"]+)"/.exec(raw)?.[1];
    const before = url(row.raw);
    const res = await bytes(g, mediaPath(row), auth());
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/jpeg');
    // Stored payloads keep bytes as base64 (whatsapp/raw-message.ts).
    const declared = Buffer.from(contentOf(JSON.parse(row.raw).message, 'imageMessage').fileSha256 as string, 'base64');
    expect(declared.length).toBe(32);
    expect(sha(res.body)).toBe(declared.toString('hex'));
    expect(ORIGINALS.has(sha(res.body))).toBe(false); // its own bytes, not the ordinary photo
    const after = (g.store.db.prepare('SELECT raw FROM messages WHERE session_id = ? AND wa_message_id = ?').get(sessionId, row.wa_message_id) as Row).raw;
    expect(url(after)).not.toBe(before);
  });

  it('a file whose hash does not match is rejected, never served or kept', async () => {
    const row = sample('sticker', 1);
    const tampered = JSON.parse(row.raw);
    contentOf(tampered.message, 'stickerMessage').fileSha256 = Buffer.alloc(32, 7).toString('base64');
    g.store.db.prepare('UPDATE messages SET raw = ? WHERE session_id = ? AND wa_message_id = ?').run(JSON.stringify(tampered), sessionId, row.wa_message_id);
    const filesBefore = (g.store.db.prepare('SELECT count(*) AS n FROM media_files').get() as { n: number }).n;
    const res = await g.req('GET', mediaPath(row), { auth: key });
    expect(res.status).toBe(502);
    expect(res.body.error.code).toBe('internal');
    expect((g.store.db.prepare('SELECT count(*) AS n FROM media_files').get() as { n: number }).n).toBe(filesBefore);
    const state = g.store.db
      .prepare('SELECT j.state FROM media_jobs j JOIN messages m ON m.pk = j.message_pk WHERE m.session_id = ? AND m.wa_message_id = ?')
      .get(sessionId, row.wa_message_id) as { state: string };
    expect(state.state).toBe('failed');
  });

  it('Message objects carry media state, dimensions and the thumbnail flag; location, contacts, poll and reactions', async () => {
    const row = sample('image');
    const page = await g.req('GET', `/api/v1/sessions/${sessionId}/chats/${encodeURIComponent(row.chat_jid)}/messages?limit=200`, { auth: key });
    const m = page.body.data.find((x: { id: string }) => x.id === row.wa_message_id);
    expect(m.media).toMatchObject({ state: 'done', thumbnail: true, ptt: false, animated: false });
    expect(m.media.width).toBeGreaterThan(0);
    const find = (type: string) =>
      g.store.db.prepare('SELECT chat_jid, wa_message_id FROM messages WHERE session_id = ? AND type = ? AND deleted = 0 LIMIT 1').get(sessionId, type) as Row;
    const get = async (r: Row) => {
      const res = await g.req('GET', `/api/v1/sessions/${sessionId}/chats/${encodeURIComponent(r.chat_jid)}/messages?limit=200`, { auth: key });
      let cursor = res.body.nextCursor as string | null;
      let data = res.body.data as { id: string }[];
      while (!data.some((x) => x.id === r.wa_message_id) && cursor) {
        const next = await g.req('GET', `/api/v1/sessions/${sessionId}/chats/${encodeURIComponent(r.chat_jid)}/messages?limit=200&cursor=${cursor}`, { auth: key });
        data = next.body.data;
        cursor = next.body.nextCursor;
      }
      return data.find((x) => x.id === r.wa_message_id) as Record<string, any>;
    };
    const loc = await get(find('location'));
    expect(loc.location).toMatchObject({ latitude: expect.any(Number), longitude: expect.any(Number), live: false });
    const contact = await get(find('contact'));
    expect(contact.contacts[0].name).toEqual(expect.any(String));
    expect(contact.contacts[0].phones[0]).toMatch(/^\+?\d+/);
    const poll = await get(find('poll'));
    expect(poll.poll.options.length).toBeGreaterThan(1);
    expect(poll.poll.selectableCount).toBe(1);
    const reaction = g.store.db
      .prepare(`SELECT chat_jid, quoted_message_id AS wa_message_id, body FROM messages WHERE session_id = ? AND type = 'reaction' LIMIT 1`)
      .get(sessionId) as Row & { body: string };
    expect(reaction).toBeDefined();
    const target = await get(reaction);
    expect(target.reactions.map((r: { emoji: string }) => r.emoji)).toContain(reaction.body);
  });

  it('POST media:download is 202 and idempotent; storage and the policy read and change', async () => {
    const row = sample('audio', 1);
    const first = await g.req('POST', mediaPath(row, ':download'), { auth: key });
    expect(first.status).toBe(202);
    expect(['queued', 'done']).toContain(first.body.state);
    const again = await g.req('POST', mediaPath(row, ':download'), { auth: key });
    expect(again.status).toBe(202);
    const storage = await g.req('GET', `/api/v1/sessions/${sessionId}/storage`, { auth: key });
    expect(storage.status).toBe(200);
    expect(storage.body.mediaFiles).toBeGreaterThanOrEqual(6);
    expect(storage.body.messages).toBeGreaterThan(1000);
    expect(storage.body.databaseBytes).toBeGreaterThan(0);
    const policy = await g.req('GET', `/api/v1/sessions/${sessionId}/media-policy`, { auth: key });
    expect(policy.body.history).toBe('lazy');
    const changed = await g.req('PATCH', `/api/v1/sessions/${sessionId}/media-policy`, { auth: key, body: { history: 'auto', autoDownload: { video: false } } });
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({ history: 'auto', autoDownload: { video: false, image: true } });
    expect((await g.req('GET', `/api/v1/sessions/${sessionId}/media-policy`, { auth: key })).body.history).toBe('auto');
    expect((await g.req('PATCH', `/api/v1/sessions/${sessionId}/media-policy`, { auth: key, body: { bogus: 1 } })).status).toBe(400);
    expect((await g.req('PATCH', `/api/v1/sessions/${sessionId}/media-policy`, { auth: key, body: { maxBytes: { image: -1 } } })).status).toBe(400);
  });

  it('capabilities: no key 401; chat media needs read, channel media send, policy changes manage; another org\'s session 404', async () => {
    const row = sample('image');
    expect((await g.req('GET', mediaPath(row))).status).toBe(401);
    const sendOnly = g.key(['send']);
    const readOnly = g.key(['read']);
    expect((await g.req('GET', mediaPath(row), { auth: sendOnly })).status).toBe(403);
    const ok = await bytes(g, mediaPath(row), { authorization: `Bearer ${readOnly}` });
    expect(ok.status).toBe(200);
    expect((await g.req('POST', mediaPath(row, ':download'), { auth: readOnly })).status).toBe(403);
    const post = g.store.db
      .prepare(`SELECT chat_jid, wa_message_id FROM messages WHERE session_id = ? AND chat_jid LIKE '%@newsletter' LIMIT 1`)
      .get(sessionId) as Row;
    const channelPath = `/api/v1/sessions/${sessionId}/channels/${encodeURIComponent(post.chat_jid)}/messages/${post.wa_message_id}/media`;
    expect((await g.req('GET', channelPath, { auth: readOnly })).status).toBe(403);
    expect([200, 404, 501, 502]).toContain((await g.req('GET', `${channelPath}?variant=thumbnail`, { auth: sendOnly })).status);
    expect((await g.req('PATCH', `/api/v1/sessions/${sessionId}/media-policy`, { auth: readOnly, body: { history: 'lazy' } })).status).toBe(403);
    const other = g.store.organizations.create('01OTHERORGMEDIA00000000000', 'Other');
    const foreign = seedSessionRow(g.store, { id: '01FOREIGNMEDIA000000000000', organizationId: other.id, label: 'x' });
    const foreignPath = `/api/v1/sessions/${foreign.id}/chats/${encodeURIComponent(row.chat_jid)}/messages/${row.wa_message_id}/media`;
    expect((await g.req('GET', foreignPath, { auth: key })).status).toBe(404);
    expect((await g.req('GET', `/api/v1/sessions/${foreign.id}/storage`, { auth: key })).status).toBe(404);
  });

  it('deleting a chat deletes its files unless another message references them; deleting the session deletes the rest', async () => {
    const files = () => g.store.db.prepare('SELECT sha256 FROM media_files').pluck().all() as string[];
    const onDisk = (s: string) => existsSync(join(g.dataDir, 'media', s.slice(0, 2), s));
    // A chat holding a downloaded file: after its delete, files still referenced elsewhere stay, the rest go.
    const done = g.store.db
      .prepare(`SELECT m.chat_jid, j.sha256 FROM media_jobs j JOIN messages m ON m.pk = j.message_pk WHERE j.state = 'done' AND m.session_id = ? LIMIT 1`)
      .get(sessionId) as { chat_jid: string; sha256: string };
    const shared = (s: string) =>
      (g.store.db
        .prepare(`SELECT count(*) AS n FROM media_jobs j JOIN messages m ON m.pk = j.message_pk WHERE j.sha256 = ? AND m.chat_jid <> ?`)
        .get(s, done.chat_jid) as { n: number }).n > 0;
    const before = files();
    const keep = before.filter(shared);
    expect((await g.req('DELETE', `/api/v1/sessions/${sessionId}/chats/${encodeURIComponent(done.chat_jid)}`, { auth: key })).status).toBe(204);
    const after = files();
    for (const s of keep) expect(after, 'a file another chat references stays').toContain(s);
    for (const s of before.filter((x) => !keep.includes(x))) {
      expect(after).not.toContain(s);
      expect(onDisk(s)).toBe(false);
    }
    for (const s of after) expect(onDisk(s)).toBe(true);
    expect((await g.req('DELETE', `/api/v1/sessions/${sessionId}`, { auth: key })).status).toBe(204);
    expect(files()).toEqual([]);
    for (const s of after) expect(onDisk(s)).toBe(false);
  });
});
