/**
 * The data dir of the media serving benchmark (media.ts) and its profiler (media-profile.ts): a database the
 * gateway opens as it is, with one chat holding one video message whose 10 MiB file is stored in the
 * content-addressed media store and recorded as downloaded, and a read-only API key.
 */
import { createHash, randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { ulid } from 'ulid';
import { BufferJSON, proto } from '@whiskeysockets/baileys';
import { createApiKeyService } from '../../src-main/auth/api-keys.js';
import { createFileStore } from '../../src-main/media/file-store.js';
import { openStore } from '../../src-main/store/index.js';

export const FILE_BYTES = 10 * 1024 * 1024;

/** A data dir the gateway opens as it is: one chat, one video message whose 10 MiB file is stored and recorded. */
export async function serveFixture(dataDir: string) {
  const store = openStore(join(dataDir, 'gateway.db'));
  try {
    const org = store.organizations.ensureDefault(ulid, 1);
    const sessionId = ulid();
    store.sessions.create({ id: sessionId, organizationId: org.id, label: 'Bench media', sandbox: false, sandboxSeed: null, fullHistory: true, autoRead: false, presenceTyping: false, now: 1 });
    const chatJid = '15550001234@s.whatsapp.net';
    const id = '3EB0BENCHMEDIA0000000001';
    const bytes = randomBytes(FILE_BYTES);
    const sha = createHash('sha256').update(bytes).digest('hex');
    const files = createFileStore(join(dataDir, 'media'));
    await files.write(Readable.from([bytes]), { expectedSha256: sha });
    store.chats.ensure(sessionId, chatJid, 'dm', 'Bench');
    const raw = JSON.stringify(
      proto.WebMessageInfo.fromObject({
        key: { remoteJid: chatJid, id, fromMe: false },
        message: { videoMessage: { mimetype: 'video/mp4', fileLength: FILE_BYTES, fileSha256: Buffer.from(sha, 'hex'), seconds: 60 } },
        messageTimestamp: 1_700_000_000,
      }),
      BufferJSON.replacer,
    );
    const pk = store.messages.insert(sessionId, {
      waMessageId: id, chatJid, fromMe: false, senderJid: chatJid, senderLid: null, senderName: null, type: 'video', body: '',
      media: { filename: null, mimetype: 'video/mp4', size: FILE_BYTES }, mentions: [], mentionNames: {}, quotedMessageId: null,
      timestamp: 1_700_000_000_000, ackLevel: 3, error: null, edited: false, deleted: false, placeholder: false, raw,
    }, 1);
    if (pk === null) throw new Error('fixture message not stored');
    store.media.recordSent(pk, sessionId, 'video', { sha256: sha, size: FILE_BYTES, mimetype: 'video/mp4' }, 1);
    const apiKey = createApiKeyService({ store }).create(org.id, 'bench (read)', ['read']).key;
    return {
      file: files.path(sha),
      sha,
      apiKey,
      path: `/api/v1/sessions/${sessionId}/chats/${encodeURIComponent(chatJid)}/messages/${id}/media`,
    };
  } finally {
    store.close();
  }
}

