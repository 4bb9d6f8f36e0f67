/** ArchiveAccess over the app services for one principal: the gateway's /mcp, and `wagw mcp` on a read-only store. */
import { readFile } from 'node:fs/promises';
import type { AppServices } from '../app/index.js';
import { NotFoundError } from '../core/errors.js';
import { isChannelJid } from '../core/jid.js';
import type { Principal } from '../core/types.js';
import type { AccessMode, ArchiveAccess } from './port.js';

export function inProcessAccess(
  app: Pick<AppServices, 'sessions' | 'chats' | 'channels' | 'messages' | 'media' | 'search'>,
  principal: Principal,
  options: {
    mode: Extract<AccessMode, 'in-process' | 'store-readonly'>;
    live: boolean;
    /** Makes the media archive available before a media call (`wagw mcp` loads it on first use). */
    prepareMedia?: () => Promise<void>;
  },
): ArchiveAccess {
  const p = principal;
  const scope = (jid: string) => (isChannelJid(jid) ? 'channel' : 'chat');
  const prepare = async () => options.prepareMedia?.();
  return {
    mode: options.mode,
    capabilities: p.capabilities,
    live: options.live,
    listSessions: async () => app.sessions.list(p),
    listChats: async (s, page) => app.chats.page(p, s, page),
    chatMessages: async (s, cid, page) => app.chats.messages(p, s, cid, page),
    searchMessages: async (s, input, page) => app.search.search(p, s, input, page),
    messagesAround: async (s, jid, id, limit) =>
      (isChannelJid(jid) ? app.channels.messages(p, s, jid, { limit, around: id }) : app.chats.messages(p, s, jid, { limit, around: id })).data,
    listChannels: async (s, page) => app.channels.page(p, s, page),
    channelPosts: async (s, jid, page) => app.channels.messages(p, s, jid, page),
    async mediaFile(s, jid, id, maxBytes) {
      await prepare();
      const body = await app.media.content(p, s, scope(jid), jid, id, undefined);
      if (body.kind !== 'file') throw new NotFoundError('no such message with media', { id });
      if (body.file.size > maxBytes) return { status: 'too_large', size: body.file.size };
      return { status: 'included', bytes: await readFile(body.files.path(body.file.sha256)) };
    },
    async mediaThumbnail(s, jid, id) {
      await prepare();
      try {
        const body = await app.media.content(p, s, scope(jid), jid, id, 'thumbnail');
        return body.kind === 'thumbnail' ? body.bytes : null;
      } catch (err) {
        if (err instanceof NotFoundError) return null;
        throw err;
      }
    },
    sendText: (s, input) => app.messages.sendText(p, s, () => input),
    setPresence: (s, cid, state) => app.chats.setPresence(p, s, cid, () => ({ state })),
    markRead: async (s, cid) => app.chats.markRead(p, s, cid),
  };
}
