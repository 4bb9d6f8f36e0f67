/** Channels (newsletters): stored posts, and live create/follow through the session's client. */
import type { CursorCodec } from '../core/cursor.js';
import { NotFoundError, ValidationError } from '../core/errors.js';
import { isChannelJid } from '../core/jid.js';
import type { Channel, Message, Principal } from '../core/types.js';
import type { ChannelInfo } from '../core/whatsapp-port.js';
import type { Store } from '../store/index.js';
import { rowToChannel } from '../store/repositories/channels.js';
import { requireCapability, type Input } from './access.js';
import { messagePage } from './chats.js';
import type { WindowPageOf } from './message-window.js';
import { activityKey, keysetPage, type PageInput, type PageOf } from './paging.js';
import type { MediaPort } from './ports.js';
import type { SessionsService } from './sessions.js';

export type ChannelsService = ReturnType<typeof createChannelsService>;

export function createChannelsService(deps: {
  store: Store;
  sessions: SessionsService;
  cursors: CursorCodec;
  media?: MediaPort | null | undefined;
}) {
  const { store, sessions } = deps;
  return {
    page(p: Principal, sessionId: string, page: PageInput): PageOf<Channel> {
      requireCapability(p, 'read');
      const s = sessions.inOrg(p, sessionId);
      return keysetPage(deps.cursors, `channels:${s.id}`, page, {
        key: activityKey,
        fetch: (limit, after) => store.channels.page(s.id, limit, after),
        position: (row) => [row.last_message_at, row.jid],
        toItem: rowToChannel,
      });
    },

    /** Stored posts; needs `send`, as documented by the original API. `around` as for chat messages (ours). */
    messages(p: Principal, sessionId: string, jid: string, page: PageInput & { around?: string | undefined }): WindowPageOf<Message> {
      requireCapability(p, 'send');
      const s = sessions.inOrg(p, sessionId);
      if (!store.channels.getRow(s.id, jid)) throw new NotFoundError('channel not found', { jid });
      return messagePage(deps, s.id, jid, page);
    },

    /** Documented exception to the check order: no live client -> not_implemented before the input is read. */
    async create(
      p: Principal,
      sessionId: string,
      input: Input<{ name: string; description?: string | undefined }>,
    ): Promise<ChannelInfo & { sessionId: string }> {
      requireCapability(p, 'send');
      const s = sessions.inOrg(p, sessionId);
      const client = sessions.liveClient(s);
      const body = input();
      const created = await client.createChannel(body.name, body.description);
      return { ...created, sessionId: s.id };
    },

    /** Idempotent; takes no input, so the live client is checked right after the JID. */
    async follow(p: Principal, sessionId: string, jid: string): Promise<void> {
      requireCapability(p, 'send');
      const s = sessions.inOrg(p, sessionId);
      if (!isChannelJid(jid)) throw new ValidationError('not a channel JID (…@newsletter)', { field: 'jid', value: jid });
      await sessions.liveClient(s).followChannel(jid);
    },
  };
}
