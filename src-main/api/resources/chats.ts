/** Chats: the stored copy of a session's conversations, their messages, and live chat actions. */
import { z } from 'zod';
import { principalOf } from '../middleware/auth.js';
import { bodyOf, noContent, pageOf, param, windowPageOf } from '../http.js';
import { listOf, messageWindowSchema, ref, type ApiRegistry } from '../openapi.js';
import type { ApiDeps } from '../ports.js';
import { ChatListQuery, ListQuery, PresenceBody } from '../schemas.js';
import { ReadChatQuery } from '../send-schemas.js';

const PARAMS = {
  session: 'The session id. Another organization\'s session is not found.',
  cid: 'The chat JID, percent-encoded or not: 6281234567890%40s.whatsapp.net (direct), 1203...%40g.us (group).',
};

export function registerChatRoutes(api: ApiRegistry, deps: ApiDeps): void {
  const { chats } = deps.app;

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
      const q = typeof ctx.query.q === 'string' ? ctx.query.q : undefined;
      ctx.body = chats.page(principalOf(ctx), param(ctx, 'session'), { ...pageOf(ctx), q });
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
      'owned by the caller\'s organization, or no chat with that `cid` is stored. Ours: `around={id}` returns the page ' +
      'holding that message (404 when not in this chat) with `prevCursor`: sent back as `cursor`, it pages NEWER ' +
      '(`null` at the newest message); `nextCursor` pages older as always.',
    tag: 'Chats',
    access: 'read',
    pathParams: PARAMS,
    query: ListQuery.extend({
      around: z.string().optional().describe('ours: a message id; returns the page holding it with about limit/2 newer and older messages'),
    }),
    responses: {
      200: { description: 'A page of messages', schema: messageWindowSchema },
      404: { description: 'not_found: session, chat, or the `around` message', schema: ref('Error') },
    },
    handler(ctx) {
      ctx.body = chats.messages(principalOf(ctx), param(ctx, 'session'), param(ctx, 'cid'), windowPageOf(ctx));
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
      chats.delete(principalOf(ctx), param(ctx, 'session'), param(ctx, 'cid'));
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
      const input = bodyOf(ctx, PresenceBody, 'invalid_value');
      await chats.setPresence(principalOf(ctx), param(ctx, 'session'), param(ctx, 'cid'), input);
      noContent(ctx);
    },
  });

  api.add({
    method: 'post',
    path: '/sessions/{session}/chats/{cid}/read',
    operationId: 'markChatRead',
    summary: 'Mark a chat read',
    description:
      'Clears the gateway\'s unread counter and announces the chat (`chat.updated`). Idempotent. Read receipts go to ' +
      'WhatsApp for the unread incoming messages (at most the newest 100) when the session is live and `receipts=true`, ' +
      'or `receipts` is absent and the session\'s `autoRead` is on; without a live client nothing is sent.',
    tag: 'Chats',
    access: 'send',
    pathParams: PARAMS,
    query: ReadChatQuery,
    responses: {
      200: { description: 'The chat', schema: ref('Chat') },
      502: { description: 'WhatsApp did not take the read receipts (the counter is unchanged)', schema: ref('Error') },
    },
    async handler(ctx) {
      const receipts = ctx.query.receipts;
      ctx.body = await chats.markRead(principalOf(ctx), param(ctx, 'session'), param(ctx, 'cid'), { receipts });
    },
  });
}
