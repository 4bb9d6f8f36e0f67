/**
 * get_media's decisions (src-main/mcp/media.ts) and get_message_context's window (src-main/mcp/context.ts) over
 * an ArchiveAccess whose answers the test chooses: the file as image content, the preview when the file is too
 * large, not an image or not available (saying why), other kinds as metadata with the media API path, and the
 * context trimmed to n each way from the API's lopsided `around` page.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MediaExpiredError, NotImplementedError } from '../../src-main/core/errors.js';
import type { Message, MessageType } from '../../src-main/core/types.js';
import { messageContext } from '../../src-main/mcp/context.js';
import { MCP_IMAGE_MAX_BYTES, mediaOf, mediaPath } from '../../src-main/mcp/media.js';
import type { ArchiveAccess, MediaFileBytes } from '../../src-main/mcp/port.js';

const ASSETS = join(import.meta.dirname, '../../resources/sandbox-media');
const PHOTO = readFileSync(join(ASSETS, 'photo.jpg'));
const PNG = readFileSync(join(ASSETS, 'photo.png'));
const STICKER = readFileSync(join(ASSETS, 'sticker.webp'));
const PDF = readFileSync(join(ASSETS, 'notes.pdf'));
const PREVIEW = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3, 0xff, 0xd9]);
const CHAT = '6281234567890@s.whatsapp.net';

function message(id: string, type: MessageType, state: 'none' | 'queued' | 'done' | 'failed' | 'expired' = 'none', timestamp = 1): Message {
  const hasMedia = type !== 'text';
  return {
    id,
    waMessageId: id,
    sessionId: 's1',
    chatJid: CHAT,
    direction: 'in',
    fromMe: false,
    senderJid: CHAT,
    senderLid: null,
    senderName: 'Alice',
    type,
    body: 'caption',
    hasMedia,
    media: hasMedia ? { filename: type === 'document' ? 'notes.pdf' : null, mimetype: 'x/y', size: 1234, state } : null,
    mentions: [],
    mentionNames: {},
    quotedMessageId: null,
    timestamp,
    createdAt: timestamp,
    ackLevel: 3,
    status: 'delivered',
    error: null,
    edited: false,
    deleted: false,
  } as Message;
}

/** An access serving one message; the file and preview answers are the test's, and each call is counted. */
function access(m: Message, file: () => Promise<MediaFileBytes>, preview: Buffer | null) {
  const calls = { file: 0, preview: 0, maxBytes: 0 };
  const a = {
    messagesAround: async (_s: string, _jid: string, id: string) => (id === m.id ? [m] : []),
    mediaFile: async (_s: string, _j: string, _id: string, maxBytes: number) => {
      calls.file++;
      calls.maxBytes = maxBytes;
      return file();
    },
    mediaThumbnail: async () => {
      calls.preview++;
      return preview;
    },
  } as unknown as ArchiveAccess;
  return { a, calls };
}

const included = (bytes: Buffer) => async (): Promise<MediaFileBytes> => ({ status: 'included', bytes });

describe('get_media (mcp/media.ts)', () => {
  it('an image or sticker whose file the media service gives: the file itself, its type read from the bytes, state done', async () => {
    for (const [type, bytes, mime] of [
      ['image', PHOTO, 'image/jpeg'],
      ['image', PNG, 'image/png'],
      ['sticker', STICKER, 'image/webp'],
    ] as const) {
      const { a, calls } = access(message('m1', type, 'none'), included(bytes), PREVIEW);
      const r = await mediaOf(a, 's1', CHAT, 'm1');
      expect(r.image?.source).toBe('file');
      expect(r.image?.mimetype).toBe(mime);
      expect(r.image?.data.equals(bytes)).toBe(true);
      expect(r.state).toBe('done');
      expect(r.note).toContain(`The archived ${type} file follows (${bytes.length} bytes`);
      expect(calls).toMatchObject({ file: 1, preview: 0, maxBytes: MCP_IMAGE_MAX_BYTES });
    }
  });

  it('a file over the bound: the embedded preview instead, saying the size and where the full file is', async () => {
    const { a } = access(message('m1', 'image', 'done'), async () => ({ status: 'too_large', size: 9 * 1024 * 1024 }), PREVIEW);
    const r = await mediaOf(a, 's1', CHAT, 'm1');
    expect(r.image).toEqual({ data: PREVIEW, mimetype: 'image/jpeg', source: 'preview' });
    expect(r.note).toContain('The file is 9.0 MB, over the 3.0 MB returned here');
    expect(r.note).toContain(`GET /api/v1${mediaPath('s1', CHAT, 'm1')}`);
    expect(r.note).toContain('preview embedded in the message follows instead');
  });

  it('the bound is the caller\'s: a file over it is never sent', async () => {
    const { a, calls } = access(message('m1', 'image'), async () => ({ status: 'too_large', size: PHOTO.length }), null);
    const r = await mediaOf(a, 's1', CHAT, 'm1', 100);
    expect(calls.maxBytes).toBe(100);
    expect(r.image).toBeNull();
    expect(r.note).toMatch(/no embedded preview: metadata only/);
  });

  it('a file that cannot be had: the preview with the reason; without a preview, metadata only', async () => {
    const notLive = access(message('m1', 'image', 'none'), async () => {
      throw new NotImplementedError('the media is not downloaded yet and the session has no live client');
    }, PREVIEW);
    const r1 = await mediaOf(notLive.a, 's1', CHAT, 'm1');
    expect(r1.image?.source).toBe('preview');
    expect(r1.state).toBe('none');
    expect(r1.note).toMatch(/^The file is not available \(not_implemented: the media is not downloaded yet and the session has no live client\)\. The small JPEG preview/);
    const expired = access(message('m1', 'image', 'expired'), async () => {
      throw new MediaExpiredError('WhatsApp no longer has this media');
    }, null);
    const r2 = await mediaOf(expired.a, 's1', CHAT, 'm1');
    expect(r2.image).toBeNull();
    expect(r2.state).toBe('expired');
    expect(r2.note).toBe('The file is not available (media_expired: WhatsApp no longer has this media). The message has no embedded preview: metadata only.');
  });

  it('an "image" whose bytes are not a displayable image is not sent as one', async () => {
    const { a } = access(message('m1', 'image'), included(PDF), PREVIEW);
    const r = await mediaOf(a, 's1', CHAT, 'm1');
    expect(r.image?.source).toBe('preview');
    expect(r.note).toMatch(/not a JPEG, PNG, WebP or GIF image/);
  });

  it('a document or audio: no file fetched, its state and media API path; a video also its preview; no media says so', async () => {
    const doc = access(message('d1', 'document', 'queued'), included(PDF), PREVIEW);
    const r = await mediaOf(doc.a, 's1', CHAT, 'd1');
    expect(doc.calls).toMatchObject({ file: 0, preview: 0 });
    expect(r).toMatchObject({ image: null, state: 'queued', apiPath: `/api/v1/sessions/s1/chats/${encodeURIComponent(CHAT)}/messages/d1/media` });
    expect(r.note).toBe(`A document: the file is not returned here; fetch it with an API key from GET ${r.apiPath} (archive state: queued).`);
    const video = access(message('v1', 'video', 'failed'), included(PDF), PREVIEW);
    const v = await mediaOf(video.a, 's1', CHAT, 'v1');
    expect(video.calls.file).toBe(0);
    expect(v.image?.source).toBe('preview');
    expect(v.note).toContain('(archive state: failed)');
    const text = await mediaOf(access(message('t1', 'text'), included(PHOTO), PREVIEW).a, 's1', CHAT, 't1');
    expect(text).toMatchObject({ image: null, state: null, note: 'This message has no media.' });
    await expect(mediaOf(doc.a, 's1', CHAT, 'nope')).rejects.toMatchObject({ code: 'not_found' });
  });

  it('a channel post is served from the channels media route', () => {
    expect(mediaPath('s 1', '120363012345678901@newsletter', 'A/B')).toBe('/sessions/s%201/channels/120363012345678901%40newsletter/messages/A%2FB/media');
  });
});

describe('get_message_context (mcp/context.ts)', () => {
  /** 20 messages m0..m19 (m19 newest); the API's around page: about limit/2 newer, older filling the rest. */
  const all = Array.from({ length: 20 }, (_, i) => message(`m${i}`, 'text', 'none', i));
  const around = (id: string, limit: number): Message[] => {
    const at = all.findIndex((m) => m.id === id);
    if (at < 0) return [];
    const newer = all.slice(at + 1, at + 1 + Math.floor((limit - 1) / 2));
    const older = all.slice(Math.max(0, at - (limit - 1 - newer.length)), at);
    return [...older, all[at]!, ...newer].reverse(); // newest first, as the API
  };
  const a = { messagesAround: async (_s: string, _j: string, id: string, limit: number) => around(id, limit) } as unknown as ArchiveAccess;
  const ids = async (id: string, n: number) => {
    const ctx = await messageContext(a, 's1', CHAT, id, n);
    return { ids: ctx.messages.map((m) => m.id), target: ctx.messages[ctx.index]!.id };
  };

  it('n each way, oldest first, also when the page leans older near the newest message', async () => {
    expect(await ids('m10', 2)).toEqual({ ids: ['m8', 'm9', 'm10', 'm11', 'm12'], target: 'm10' });
    expect(await ids('m18', 3)).toEqual({ ids: ['m15', 'm16', 'm17', 'm18', 'm19'], target: 'm18' });
    expect(await ids('m1', 3)).toEqual({ ids: ['m0', 'm1', 'm2', 'm3', 'm4'], target: 'm1' });
    expect(await ids('m5', 0)).toEqual({ ids: ['m5'], target: 'm5' });
  });

  it('a bad n is a validation error; an unknown message not_found', async () => {
    await expect(messageContext(a, 's1', CHAT, 'm1', 51)).rejects.toMatchObject({ code: 'validation_error' });
    await expect(messageContext(a, 's1', CHAT, 'nope', 1)).rejects.toMatchObject({ code: 'not_found' });
  });
});
