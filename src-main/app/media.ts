/**
 * The media archive's service (docs/API.md "The archive in use"): the file or embedded thumbnail of a chat
 * message (read) or channel post (send, like the channel listing), download requests, storage usage and the
 * per-session download policy. The queue and file store are src-main/media; this layer only checks
 * capabilities, finds the chat, and turns the queue's answers into domain errors.
 */
import { AppError, MediaExpiredError, NotFoundError, NotImplementedError, ValidationError } from '../core/errors.js';
import { isLidJid } from '../core/jid.js';
import type { Principal } from '../core/types.js';
import type { FileStore } from '../media/file-store.js';
import type { MediaPolicy, MediaPolicyPatch } from '../media/policy.js';
import type { MediaQueue, StorageReport } from '../media/queue.js';
import type { StoredMediaFile } from '../media/serve-headers.js';
import type { Store } from '../store/index.js';
import { requireCapability, type Input } from './access.js';
import type { MediaPort } from './ports.js';
import type { SessionsService } from './sessions.js';

export type MediaScope = 'chat' | 'channel';

export type MediaBody =
  | { kind: 'file'; file: StoredMediaFile; files: FileStore }
  | { kind: 'thumbnail'; bytes: Buffer; sha256: string };

/** How long GET .../media waits for a live download before answering (the contract's bounded wait). */
export const MEDIA_WAIT_MS = 15_000;
/** What a client should wait before asking again for a download that is still running. */
const RETRY_AFTER_SECONDS = 5;

export type MediaService = ReturnType<typeof createMediaService>;

export function createMediaService(deps: { store: Store; sessions: SessionsService; media: MediaPort | null; waitMs?: number }) {
  const { store, sessions } = deps;

  const queue = (): MediaQueue => {
    const q = deps.media?.queue();
    if (!q) throw new NotImplementedError('the media archive is not available yet');
    return q;
  };

  /** The stored conversation of the path JID (a LID form finds its phone-form chat), or 404. */
  function target(p: Principal, sessionId: string, scope: MediaScope, jid: string): { sessionId: string; chatJid: string } {
    requireCapability(p, scope === 'chat' ? 'read' : 'send');
    const s = sessions.inOrg(p, sessionId);
    if (scope === 'channel') {
      if (!store.channels.getRow(s.id, jid)) throw new NotFoundError('channel not found', { jid });
      return { sessionId: s.id, chatJid: jid };
    }
    if (store.chats.exists(s.id, jid)) return { sessionId: s.id, chatJid: jid };
    const pn = isLidJid(jid) ? store.lidMappings.pnForLid(s.id, jid) : undefined;
    if (pn && store.chats.exists(s.id, pn)) return { sessionId: s.id, chatJid: pn };
    throw new NotFoundError('chat not found', { chatJid: jid });
  }

  return {
    /** The decrypted file (fetched now when live and not stored yet) or, with variant 'thumbnail', the embedded JPEG. */
    async content(
      p: Principal,
      sessionId: string,
      scope: MediaScope,
      jid: string,
      id: string,
      variant: string | undefined,
    ): Promise<MediaBody> {
      const t = target(p, sessionId, scope, jid);
      if (variant !== undefined && variant !== 'thumbnail') {
        throw new ValidationError('variant must be thumbnail or absent', { field: 'variant', value: variant });
      }
      const q = queue();
      if (variant === 'thumbnail') {
        const thumb = q.thumbnail(t.sessionId, t.chatJid, id);
        if (!thumb) throw new NotFoundError('the message has no embedded thumbnail', { id });
        return { kind: 'thumbnail', ...thumb };
      }
      const r = await q.resolve(t.sessionId, t.chatJid, id, { waitMs: deps.waitMs ?? MEDIA_WAIT_MS });
      switch (r.status) {
        case 'ready':
          return { kind: 'file', file: r.file, files: deps.media!.files };
        case 'no_media':
          throw new NotFoundError('no such message with media', { id });
        case 'expired':
          throw new MediaExpiredError('WhatsApp no longer has this media and the phone could not upload it again', { id, reason: r.error });
        case 'not_live':
          throw new NotImplementedError('the media is not downloaded yet and the session has no live client', { id });
        case 'pending':
          throw new AppError('upstream_failed', 'the download has not finished yet; ask again shortly', { id, state: 'queued' }, {
            'Retry-After': String(RETRY_AFTER_SECONDS),
          });
        case 'failed':
          throw new AppError('upstream_failed', 'the media could not be downloaded', { id, reason: r.error });
      }
    },

    /** (Re)queues the download, urgent; idempotent. */
    requestDownload(p: Principal, sessionId: string, scope: MediaScope, jid: string, id: string): { state: 'queued' | 'done' } {
      requireCapability(p, 'send');
      const t = target(p, sessionId, scope, jid);
      const r = queue().request(t.sessionId, t.chatJid, id);
      if (r === 'no_media') throw new NotFoundError('no such message with media', { id });
      return { state: r };
    },

    storage(p: Principal, sessionId: string): StorageReport {
      requireCapability(p, 'read');
      const s = sessions.inOrg(p, sessionId);
      return queue().storage(s.id);
    },

    policy(p: Principal, sessionId: string): MediaPolicy {
      requireCapability(p, 'read');
      const s = sessions.inOrg(p, sessionId);
      return queue().policy(s.id);
    },

    /** Merges a patch (mediaPolicyPatchSchema in media/policy.ts; the door validates it) into the stored policy. */
    setPolicy(p: Principal, sessionId: string, input: Input<MediaPolicyPatch>): MediaPolicy {
      requireCapability(p, 'manage');
      const s = sessions.inOrg(p, sessionId);
      const q = queue();
      return q.setPolicy(s.id, input());
    },

    /** Deletes files no message references any more (after chat and session deletes). Never throws. */
    collectGarbage(): void {
      try {
        deps.media?.queue()?.collectGarbage();
      } catch {
        // the next start() collects them
      }
    },
  };
}
