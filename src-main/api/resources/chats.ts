/** Chats: the stored copy of a session's conversations, their messages, and live chat actions. */
import { NotFoundError, NotImplementedError, ValidationError } from '../../core/errors.js';
import { isChatJid, isLidJid } from '../../core/jid.js';
import type { Message } from '../../core/types.js';
import type { PresenceState } from '../../core/whatsapp-port.js';
import { rowToMessage } from '../../store/repositories/messages.js';
import { requireCapability } from '../middleware/auth.js';
import { activityPosition, keysetPage, noContent, numericPosition, parseBody, sessionOf } from '../http.js';
import { listOf, ref, type ApiRegistry } from '../openapi.js';
import type { ApiDeps } from '../ports.js';
import { ChatListQuery, ListQuery, PresenceBody } from '../schemas.js';
import type { ApiContext } from '../state.js';

const PARAMS = {
  session: 'The session id. Another organization\'s session is not found.',
  cid: 'The chat JID, percent-encoded or not: 6281234567890%40s.whatsapp.net (direct), 1203...%40g.us (group).',
};

/** Messages of one stored conversation, newest first (shared with channel posts). */
export function messagePage(
  deps: Pick<ApiDeps, 'store' | 'cursors'>,
  ctx: ApiContext,
  sessionId: string,
  chatJid: string,
): { data: Message[]; nextCursor: string | null } {
  return keysetPage(ctx, deps.cursors, `messages:${sessionId}:${chatJid}`, {
    key: (after) => {
      const p = numericPosition(after);
      return p ? { timestamp: p[0], pk: p[1] } : undefined;
    },
    fetch: (limit, after) => deps.store.messages.page(sessionId, chatJid, limit, after),
    position: (row) => [row.timestamp, row.pk],
    toItem: rowToMessage,
  });
}

/** Decodes a (lastMessageAt, jid) position of the chat and channel lists. */
export function activityKey(after: (string | number)[] | undefined): { lastMessageAt: number; jid: string } | undefined {
  const p = activityPosition(after);
  return p ? { lastMessageAt: p[0], jid: p[1] } : undefined;
}

export function registerChatRoutes(api: ApiRegistry, deps: ApiDeps): void {
  const { store, sessions } = deps;

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

  api.add({
    method: 'get',
    path: '/sessions/{session}/chats',
    operationId: 'listChats',
    summary: 'List stored chats',
    description: 'Newest activity first, cursor paging. Channels are listed separately.',
    tag: 'Chats',
    access: 'read',
    pathParams: { session: PARAMS.session },
    query: ChatListQuery,
    responses: { 200: { description: 'A page of chats', schema: listOf('Chat') } },
    handler(ctx) {
      const p = requireCapability(ctx, 'read');
      const s = sessionOf(ctx, sessions, p.organizationId);
      const q = typeof ctx.query.q === 'string' ? ctx.query.q.trim().slice(0, 100) : '';
      ctx.body = keysetPage(ctx, deps.cursors, `chats:${s.id}:${q}`, {
        key: activityKey,
        fetch: (limit, after) => store.chats.page(s.id, limit, after, q || undefined),
        position: (row) => [row.last_message_at, row.jid],
        toItem: store.chats.toChat,
      });
    },
  });

  api.add({
    method: 'get',
    path: '/sessions/{session}/chats/{cid}/messages',
    operationId: 'listChatMessages',
    summary: 'List chat messages',
    description:
      'Returns a page of messages in the chat named by `cid`, served from the gateway\'s stored copy, newest first. ' +
      'Send the `nextCursor` of the previous response back as `cursor` to fetch the next (older) page; `null` means ' +
      'no more messages. Paging stays stable while new messages arrive. 404 when the session does not exist, is not ' +
      'owned by the caller\'s organization, or no chat with that `cid` is stored.',
    tag: 'Chats',
    access: 'read',
    pathParams: PARAMS,
    query: ListQuery,
    responses: { 200: { description: 'A page of messages', schema: listOf('Message') } },
    handler(ctx) {
      const p = requireCapability(ctx, 'read');
      const s = sessionOf(ctx, sessions, p.organizationId);
      const jid = requireChat(s.id, ctx.params.cid ?? '');
      ctx.body = messagePage(deps, ctx, s.id, jid);
    },
  });

  api.add({
    method: 'delete',
    path: '/sessions/{session}/chats/{cid}',
    operationId: 'deleteChat',
    summary: 'Delete a chat (local copy only)',
    description:
      'Removes the chat and its locally stored messages from the gateway\'s stored copy. WhatsApp is untouched; the ' +
      'chat may reappear if new activity is ingested for it. 204 with no body.',
    tag: 'Chats',
    access: 'send',
    pathParams: PARAMS,
    responses: { 204: { description: 'Deleted locally' } },
    handler(ctx) {
      const p = requireCapability(ctx, 'send');
      const s = sessionOf(ctx, sessions, p.organizationId);
      const jid = requireChat(s.id, ctx.params.cid ?? '');
      store.chats.delete(s.id, jid);
      deps.publisher.publish({
        event: 'chat.deleted',
        sessionId: s.id,
        organizationId: s.organizationId,
        payload: { chatJid: jid },
      });
      noContent(ctx);
    },
  });

  api.add({
    method: 'put',
    path: '/sessions/{session}/chats/{cid}/presence',
    operationId: 'setChatPresence',
    summary: 'Set chat presence (typing/recording)',
    description:
      'Broadcasts `composing` ("typing..."), `recording` or `paused` to the chat. Needs a live client (501 otherwise). ' +
      'WhatsApp clears the indicator after a short time: re-send about every 10 s to keep it. The chat need not be ' +
      'stored. A bad `state` is 422; malformed JSON is 400.',
    tag: 'Chats',
    access: 'send',
    pathParams: PARAMS,
    body: PresenceBody,
    responses: {
      204: { description: 'Sent' },
      422: { description: 'validation_error: state missing or not allowed', schema: ref('Error') },
      501: { description: 'not_implemented: no live client', schema: ref('Error') },
    },
    async handler(ctx) {
      const p = requireCapability(ctx, 'send');
      const s = sessionOf(ctx, sessions, p.organizationId);
      const cid = ctx.params.cid ?? '';
      if (!isChatJid(cid)) throw new ValidationError('not a chat JID', { field: 'cid', value: cid });
      const body = parseBody(ctx, PresenceBody, 422);
      const client = sessions.liveClient(s.id);
      if (!client) throw new NotImplementedError('the session has no live WhatsApp client', { sessionId: s.id });
      await client.sendPresence(cid, body.state as PresenceState);
      noContent(ctx);
    },
  });

  api.add({
    method: 'post',
    path: '/sessions/{session}/chats/{cid}/read',
    operationId: 'markChatRead',
    summary: 'Mark a chat read',
    description: 'Clears the gateway\'s unread counter only (WhatsApp is not told). Idempotent.',
    tag: 'Chats',
    access: 'send',
    pathParams: PARAMS,
    responses: { 200: { description: 'The chat', schema: ref('Chat') } },
    handler(ctx) {
      const p = requireCapability(ctx, 'send');
      const s = sessionOf(ctx, sessions, p.organizationId);
      const jid = requireChat(s.id, ctx.params.cid ?? '');
      store.chats.markRead(s.id, jid);
      ctx.body = store.chats.get(s.id, jid);
    },
  });
}
