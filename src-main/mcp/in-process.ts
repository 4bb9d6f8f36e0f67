/** ArchiveAccess over the app services for one principal: the gateway's /mcp, and `wagw mcp` on a read-only store. */
import type { AppServices } from '../app/index.js';
import type { Principal } from '../core/types.js';
import type { AccessMode, ArchiveAccess } from './port.js';

export function inProcessAccess(
  app: Pick<AppServices, 'sessions' | 'chats' | 'channels' | 'messages' | 'context' | 'search'>,
  principal: Principal,
  options: { mode: Extract<AccessMode, 'in-process' | 'store-readonly'>; live: boolean },
): ArchiveAccess {
  const p = principal;
  return {
    mode: options.mode,
    capabilities: p.capabilities,
    live: options.live,
    listSessions: async () => app.sessions.list(p),
    listChats: async (s, page) => app.chats.page(p, s, page),
    chatMessages: async (s, cid, page) => app.chats.messages(p, s, cid, page),
    searchMessages: async (s, input, page) => app.search.search(p, s, input, page),
    messageContext: async (s, cid, id, n) => app.context.around(p, s, cid, id, n),
    listChannels: async (s, page) => app.channels.page(p, s, page),
    channelPosts: async (s, jid, page) => app.channels.messages(p, s, jid, page),
    media: async (s, cid, id) => app.context.media(p, s, cid, id),
    sendText: (s, input) => app.messages.sendText(p, s, () => input),
    setPresence: (s, cid, state) => app.chats.setPresence(p, s, cid, () => ({ state })),
    markRead: async (s, cid) => app.chats.markRead(p, s, cid),
  };
}
