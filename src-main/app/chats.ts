/** Chats: the stored copy of a session's conversations, their messages, and live chat actions. */
import type { CursorCodec } from '../core/cursor.js';
import { InvalidValueError, NotFoundError, ValidationError } from '../core/errors.js';
import { chatDeletedPayload } from '../core/event-payloads.js';
import type { EventPublisher } from '../core/events.js';
import { isChatJid, isLidJid } from '../core/jid.js';
import type { Chat, Message, Principal } from '../core/types.js';
import { PRESENCE_STATES, type PresenceState } from '../core/whatsapp-port.js';
import type { Store } from '../store/index.js';
import { rowToMessage } from '../store/repositories/messages.js';
import { requireCapability, type Input } from './access.js';
import { activityKey, keysetPage, numericPosition, type PageInput, type PageOf } from './paging.js';
import type { SessionsService } from './sessions.js';

export interface ChatsDeps {
  store: Store;
  sessions: SessionsService;
  cursors: CursorCodec;
  publisher: EventPublisher;
}

/** Messages of one stored conversation, newest first (shared with channel posts). */
export function messagePage(deps: Pick<ChatsDeps, 'store' | 'cursors'>, sessionId: string, chatJid: string, page: PageInput): PageOf<Message> {
  return keysetPage(deps.cursors, `messages:${sessionId}:${chatJid}`, page, {
    key: (after) => {
      const p = numericPosition(after);
      return p ? { timestamp: p[0], pk: p[1] } : undefined;
    },
    fetch: (limit, after) => deps.store.messages.page(sessionId, chatJid, limit, after),
    position: (row) => [row.timestamp, row.pk],
    toItem: rowToMessage,
  });
}

export type ChatsService = ReturnType<typeof createChatsService>;

export function createChatsService(deps: ChatsDeps) {
  const { store, sessions, publisher } = deps;

  /** The stored chat for a path JID; a LID form finds the phone-form chat it was merged into. */
  const storedChatJid = (sessionId: string, cid: string): string | undefined => {
    if (store.chats.exists(sessionId, cid)) return cid;
    if (isLidJid(cid)) {
      const pn = store.lidMappings.pnForLid(sessionId, cid);
      if (pn && store.chats.exists(sessionId, pn)) return pn;
    }
    return undefined;
  };
  const requireChat = (sessionId: string, cid: string): string => {
    const jid = storedChatJid(sessionId, cid);
    if (!jid) throw new NotFoundError('chat not found', { chatJid: cid });
    return jid;
  };

  return {
    /** Newest activity first; `q` filters by name or JID (trimmed, at most 100 characters). */
    page(p: Principal, sessionId: string, page: PageInput & { q?: string | undefined }): PageOf<Chat> {
      requireCapability(p, 'read');
      const s = sessions.inOrg(p, sessionId);
      const q = (page.q ?? '').trim().slice(0, 100);
      return keysetPage(deps.cursors, `chats:${s.id}:${q}`, page, {
        key: activityKey,
        fetch: (limit, after) => store.chats.page(s.id, limit, after, q || undefined),
        position: (row) => [row.last_message_at, row.jid],
        toItem: store.chats.toChat,
      });
    },

    messages(p: Principal, sessionId: string, cid: string, page: PageInput): PageOf<Message> {
      requireCapability(p, 'read');
      const s = sessions.inOrg(p, sessionId);
      return messagePage(deps, s.id, requireChat(s.id, cid), page);
    },

    /** Deletes the local copy only and tells every reader ('chat.deleted'). */
    delete(p: Principal, sessionId: string, cid: string): void {
      requireCapability(p, 'send');
      const s = sessions.inOrg(p, sessionId);
      const jid = requireChat(s.id, cid);
      store.chats.delete(s.id, jid);
      publisher.publish({
        event: 'chat.deleted',
        sessionId: s.id,
        organizationId: s.organizationId,
        payload: chatDeletedPayload(jid),
      });
    },

    /** A bad `state` is invalid_value (422 over HTTP); the chat need not be stored. */
    async setPresence(p: Principal, sessionId: string, cid: string, input: Input<{ state: string }>): Promise<void> {
      requireCapability(p, 'send');
      const s = sessions.inOrg(p, sessionId);
      if (!isChatJid(cid)) throw new ValidationError('not a chat JID', { field: 'cid', value: cid });
      const { state } = input();
      if (!(PRESENCE_STATES as readonly string[]).includes(state)) {
        throw new InvalidValueError(`state must be one of ${PRESENCE_STATES.join(', ')}`, { field: 'state', value: state });
      }
      await sessions.liveClient(s).sendPresence(cid, state as PresenceState);
    },

    /** Clears the gateway's unread counter only (WhatsApp is not told). */
    markRead(p: Principal, sessionId: string, cid: string): Chat {
      requireCapability(p, 'send');
      const s = sessions.inOrg(p, sessionId);
      const jid = requireChat(s.id, cid);
      store.chats.markRead(s.id, jid);
      const chat = store.chats.get(s.id, jid);
      if (!chat) throw new NotFoundError('chat not found', { chatJid: cid });
      return chat;
    },
  };
}
