/** Chats: the stored copy of a session's conversations, their messages, and live chat actions. */
import type { CursorCodec } from '../core/cursor.js';
import { InvalidValueError, NotFoundError, ValidationError } from '../core/errors.js';
import { chatDeletedPayload } from '../core/event-payloads.js';
import type { EventPublisher } from '../core/events.js';
import { isChatJid, isLidJid } from '../core/jid.js';
import type { Chat, Message, Principal } from '../core/types.js';
import { PRESENCE_STATES, type MessageRef, type PresenceState } from '../core/whatsapp-port.js';

/** Read receipts name at most this many of a chat's newest unread messages (docs/API.md). */
export const MAX_READ_RECEIPTS = 100;
import type { Store } from '../store/index.js';
import { rowToMessage, type MessageRow } from '../store/repositories/messages.js';
import { requireCapability, type Input } from './access.js';
import { addMessageDetails } from './message-details.js';
import { nameChat, selfJids, sessionNames } from './names.js';
import { aroundPage, newerKey, newerPage, type WindowPageOf } from './message-window.js';
import { activityKey, keysetPage, numericPosition, type PageInput, type PageOf } from './paging.js';
import type { MediaPort } from './ports.js';
import type { SessionsService } from './sessions.js';

export interface ChatsDeps {
  store: Store;
  /** Media states and payload details of served messages; null where the archive is not wired (tests). */
  media?: MediaPort | null | undefined;
  /** After a delete: removes media files no message references any more. */
  collectGarbage?: (() => void) | undefined;
  sessions: SessionsService;
  cursors: CursorCodec;
  publisher: EventPublisher;
}

/**
 * Messages of one stored conversation, newest first (shared with channel posts), with their media details.
 * `around` (a message id) returns the page holding that message; a cursor from `prevCursor` pages newer
 * (app/message-window.ts).
 */
export function messagePage(
  deps: Pick<ChatsDeps, 'store' | 'cursors' | 'media'>,
  sessionId: string,
  chatJid: string,
  page: PageInput & { around?: string | undefined },
): WindowPageOf<Message> {
  const listing = `messages:${sessionId}:${chatJid}`;
  const items: { message: Message; pk: number }[] = [];
  const toMessage = (row: MessageRow): Message => {
    const message = rowToMessage(row);
    items.push({ message, pk: row.pk });
    return message;
  };
  const result = ((): WindowPageOf<Message> => {
    if (page.around !== undefined) return aroundPage(deps, listing, sessionId, chatJid, page.limit, page.around, toMessage);
    if (page.cursor) {
      const newer = newerKey(deps.cursors.decode(listing, page.cursor));
      if (newer) return newerPage(deps, listing, sessionId, chatJid, page.limit, newer, toMessage);
    }
    return keysetPage(deps.cursors, listing, page, {
      key: (after) => {
        const p = numericPosition(after);
        return p ? { timestamp: p[0], pk: p[1] } : undefined;
      },
      fetch: (limit, after) => deps.store.messages.page(sessionId, chatJid, limit, after),
      position: (row) => [row.timestamp, row.pk],
      toItem: toMessage,
    });
  })();
  addMessageDetails(deps.store, deps.media ?? null, sessionId, chatJid, items);
  return result;
}

/** The stored chat for a path JID (a LID form finds the phone-form chat it was merged into), else not_found. */
export function requireStoredChat(store: Store, sessionId: string, cid: string): string {
  if (store.chats.exists(sessionId, cid)) return cid;
  if (isLidJid(cid)) {
    const pn = store.lidMappings.pnForLid(sessionId, cid);
    if (pn && store.chats.exists(sessionId, pn)) return pn;
  }
  throw new NotFoundError('chat not found', { chatJid: cid });
}

export type ChatsService = ReturnType<typeof createChatsService>;

export function createChatsService(deps: ChatsDeps) {
  const { store, sessions, publisher } = deps;

  const requireChat = (sessionId: string, cid: string): string => requireStoredChat(store, sessionId, cid);

  return {
    /** Newest activity first; `q` filters by name or JID (trimmed, at most 100 characters). */
    page(p: Principal, sessionId: string, page: PageInput & { q?: string | undefined }): PageOf<Chat> {
      requireCapability(p, 'read');
      const s = sessions.inOrg(p, sessionId);
      const q = (page.q ?? '').trim().slice(0, 100);
      const names = sessionNames(store, s.id);
      const self = selfJids(s);
      return keysetPage(deps.cursors, `chats:${s.id}:${q}`, page, {
        key: activityKey,
        fetch: (limit, after) => store.chats.page(s.id, limit, after, q || undefined),
        position: (row) => [row.last_message_at, row.jid],
        toItem: (row) => nameChat(names, store.chats.toChat(row), self),
      });
    },

    messages(p: Principal, sessionId: string, cid: string, page: PageInput & { around?: string | undefined }): WindowPageOf<Message> {
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
      deps.collectGarbage?.();
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

    /**
     * Clears the unread counter and announces the chat ('chat.updated'). With `receipts` true (or absent and the
     * session's autoRead on) and a live client, read receipts go to WhatsApp for the unread incoming messages.
     */
    async markRead(p: Principal, sessionId: string, cid: string, options: { receipts?: boolean | string | string[] | undefined } = {}): Promise<Chat> {
      requireCapability(p, 'send');
      const s = sessions.inOrg(p, sessionId);
      const jid = requireChat(s.id, cid);
      const asked = options.receipts;
      if (asked !== undefined && typeof asked !== 'boolean' && asked !== 'true' && asked !== 'false') {
        throw new ValidationError('receipts must be true or false', { field: 'receipts', value: asked });
      }
      const unread = store.chats.getRow(s.id, jid)?.unread_count ?? 0;
      const receipts = asked === undefined ? s.autoRead : asked === true || asked === 'true';
      const client = receipts && unread > 0 ? sessions.liveClientOrNull(s) : null;
      if (client) {
        const refs: MessageRef[] = store.messages.unreadIncoming(s.id, jid, Math.min(unread, MAX_READ_RECEIPTS)).map((r) => ({
          chatJid: jid,
          waMessageId: r.wa_message_id,
          fromMe: false,
          participant: r.sender_lid ?? r.sender_jid,
        }));
        await client.sendReadReceipts(refs);
      }
      store.chats.markRead(s.id, jid);
      const chat = store.chats.get(s.id, jid);
      if (!chat) throw new NotFoundError('chat not found', { chatJid: cid });
      const named = nameChat(sessionNames(store, s.id), chat, selfJids(s));
      publisher.publish({ event: 'chat.updated', sessionId: s.id, organizationId: s.organizationId, payload: named });
      return named;
    },
  };
}
