/** Channels (newsletters): stored posts, and live create/follow through the session's client. */
import { z } from 'zod';
import { principalOf } from '../middleware/auth.js';
import { bodyOf, noContent, pageOf, param, windowPageOf } from '../http.js';
import { listOf, messageWindowSchema, ref, toSchema, type ApiRegistry } from '../openapi.js';
import type { ApiDeps } from '../ports.js';
import { CreateChannelBody, CreatedChannelSchema, ListQuery } from '../schemas.js';

const PARAMS = {
  session: 'The session id. Another organization\'s session is not found.',
  jid: 'The channel JID, e.g. 120363012345678901%40newsletter (percent-encode "@" as %40; a raw @ works too).',
};

export function registerChannelRoutes(api: ApiRegistry, deps: ApiDeps): void {
  const { channels } = deps.app;

  api.add({
    method: 'get',
    path: '/sessions/{session}/channels',
    operationId: 'listChannels',
    summary: 'List stored channels',
    description: 'Channels the session follows or has received posts from; newest activity first; cursor paging.',
    tag: 'Channels',
    access: 'read',
    pathParams: { session: PARAMS.session },
    query: ListQuery,
    responses: { 200: { description: 'A page of channels', schema: listOf('Channel') } },
    handler(ctx) {
      ctx.body = channels.page(principalOf(ctx), param(ctx, 'session'), pageOf(ctx));
    },
  });

  api.add({
    method: 'get',
    path: '/sessions/{session}/channels/{jid}/messages',
    operationId: 'listChannelMessages',
    summary: 'List stored channel messages',
    description:
      'A page of stored posts of the channel, newest first (what the gateway received and persisted, not a live ' +
      'fetch). A known channel with no posts yields an empty page. Requires `send`, as documented by the original API. ' +
      'Ours: `around={id}` returns the page holding that post with `prevCursor`, as for chat messages.',
    tag: 'Channels',
    access: 'send',
    pathParams: PARAMS,
    query: ListQuery.extend({
      around: z.string().optional().describe('ours: a post id; returns the page holding it with about limit/2 newer and older posts'),
    }),
    responses: {
      200: { description: 'A page of posts', schema: messageWindowSchema },
      404: { description: 'not_found: session, channel, or the `around` post', schema: ref('Error') },
    },
    handler(ctx) {
      ctx.body = channels.messages(principalOf(ctx), param(ctx, 'session'), param(ctx, 'jid'), windowPageOf(ctx));
    },
  });

  api.add({
    method: 'post',
    path: '/sessions/{session}/channels',
    operationId: 'createChannel',
    summary: 'Create a channel (newsletter)',
    description:
      'Creates a WhatsApp channel owned by this session through the live client (not idempotent: each call creates ' +
      'a new channel). Without a live client: 501, nothing persisted, the body ignored. Missing/invalid name: 400.',
    tag: 'Channels',
    access: 'send',
    pathParams: { session: PARAMS.session },
    body: CreateChannelBody,
    responses: {
      201: { description: 'The new channel', schema: toSchema(CreatedChannelSchema) },
      501: { description: 'not_implemented: no live client', schema: ref('Error') },
    },
    async handler(ctx) {
      // The service answers 501 without a live client before it reads the body (documented exception).
      const created = await channels.create(principalOf(ctx), param(ctx, 'session'), bodyOf(ctx, CreateChannelBody));
      ctx.status = 201;
      ctx.body = created;
    },
  });

  api.add({
    method: 'post',
    path: '/sessions/{session}/channels/{jid}:follow',
    operationId: 'followChannel',
    summary: 'Follow a channel',
    description:
      'Subscribes this session to the channel so its posts arrive. Idempotent: an already followed channel is still ' +
      '204. Takes no body. Without a live client: 501 and no state change.',
    tag: 'Channels',
    access: 'send',
    pathParams: PARAMS,
    responses: {
      204: { description: 'Following' },
      501: { description: 'not_implemented: no live client', schema: ref('Error') },
    },
    async handler(ctx) {
      await channels.follow(principalOf(ctx), param(ctx, 'session'), param(ctx, 'jid'));
      noContent(ctx);
    },
  });
}
