/** What the export tests share: a real PNG, and a chat whose media is downloaded into the real file store. */
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { crc32, deflateSync } from 'node:zlib';
import { createFileStore } from '../../src-main/media/file-store.js';
import type { Store } from '../../src-main/store/index.js';
import { textRecord } from '../helpers/gateway.js';

function chunk(type: string, data: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body) >>> 0);
  return Buffer.concat([len, body, crc]);
}

/** A valid w x h RGB PNG of one colour. */
export function png(w: number, h: number, rgb: [number, number, number]): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w, 0);
  ihdr.writeUInt32BE(h, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // RGB
  const row = Buffer.concat([Buffer.from([0]), Buffer.alloc(w * 3).fill(Buffer.from(rgb))]);
  const raw = Buffer.concat(Array.from({ length: h }, () => row));
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw)), chunk('IEND', Buffer.alloc(0))]);
}

export const sha256 = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

/**
 * A group chat with text, a reply, an image whose file is downloaded (stored under dataDir/media and its
 * job marked done, as the download queue leaves it), a second image with the same bytes, and a document
 * never downloaded. Returns the PNG and its hash.
 */
export async function seedMediaChat(store: Store, dataDir: string, sessionId: string, chatJid: string): Promise<{ image: Buffer; sha: string }> {
  const image = png(4, 3, [200, 40, 90]);
  const sha = sha256(image);
  const t0 = 1_780_000_000_000;
  const media = (id: string, type: 'image' | 'document', t: number, filename: string | null, mimetype: string) => ({
    ...textRecord(chatJid, id, t, type === 'image' ? 'a <b>caption</b>' : ''),
    type,
    media: { filename, mimetype, size: image.length },
  });
  store.transaction(() => {
    store.chats.ensure(sessionId, chatJid, 'group', 'Media <test> group');
    store.messages.insert(sessionId, textRecord(chatJid, 'T1', t0, 'hello\nsecond line'));
    store.messages.insert(sessionId, { ...textRecord(chatJid, 'T2', t0 + 1000, 'a reply'), fromMe: true, quotedMessageId: 'T1' });
    store.messages.insert(sessionId, media('IMG1', 'image', t0 + 2000, null, 'image/png'));
    store.messages.insert(sessionId, media('IMG2', 'image', t0 + 3000, 'same.png', 'image/png'));
    store.messages.insert(sessionId, media('DOC1', 'document', t0 + 4000, 'never downloaded.pdf', 'application/pdf'));
    store.chats.touch(sessionId, chatJid, t0 + 4000);
  });
  const files = createFileStore(join(dataDir, 'media'));
  await files.write(
    (async function* () {
      yield image;
    })(),
    { expectedSha256: sha },
  );
  const now = Date.now();
  store.media.enqueue(
    ['IMG1', 'IMG2', 'DOC1'].map((id) => ({ sessionId, chatJid, waMessageId: id, kind: id.startsWith('IMG') ? 'image' : 'document', expectedSize: image.length, priority: 0, now })),
  );
  for (const id of ['IMG1', 'IMG2']) {
    store.media.markDone(store.messages.find(sessionId, chatJid, id)!.pk, { sha256: sha, size: image.length, mimetype: 'image/png' }, now);
  }
  return { image, sha };
}
