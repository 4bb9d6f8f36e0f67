/** Channels (newsletters): stored posts, and live create/follow through the session's client. */
import { NotFoundError, NotImplementedError, ValidationError } from '../../core/errors.js';
import { isChannelJid } from '../../core/jid.js';
import { rowToChannel } from '../../store/repositories/channels.js';
import { requireCapability } from '../middleware/auth.js';
import { keysetPage, noContent, parseBody, sessionOf } from '../http.js';
import { listOf, ref, toSchema, type ApiRegistry } from '../openapi.js';
import type { ApiDeps } from '../ports.js';
import { CreateChannelBody, CreatedChannelSchema, ListQuery } from '../schemas.js';
import { activityKey, messagePage } from './chats.js';

const PARAMS = {
  session: 'The session id. Another organization\'s session is not found.',
  jid: 'The channel JID, e.g. 120363012345678901%40newsletter (percent-encode "@" as %40; a raw @ works too).',
};

export function registerChannelRoutes(api: ApiRegistry, deps: ApiDeps): void {
  const { store, sessions } = deps;

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
      const p = requireCapability(ctx, 'read');
      const s = sessionOf(ctx, sessions, p.organizationId);
      ctx.body = keysetPage(ctx, deps.cursors, `channels:${s.id}`, {
        key: activityKey,
        fetch: (limit, after) => store.channels.page(s.id, limit, after),
        position: (row) => [row.last_message_at, row.jid],
        toItem: rowToChannel,
      });
    },
  });

  api.add({
    method: 'get',
    path: '/sessions/{session}/channels/{jid}/messages',
    operationId: 'listChannelMessages',
    summary: 'List stored channel messages',
    description:
      'A page of stored posts of the channel, newest first (what the gateway received and persisted, not a live ' +
      'fetch). A known channel with no posts yields an empty page. Requires `send`, as documented by the original API.',
    tag: 'Channels',
    access: 'send',
    pathParams: PARAMS,
    query: ListQuery,
    responses: { 200: { description: 'A page of posts', schema: listOf('Message') } },
    handler(ctx) {
      const p = requireCapability(ctx, 'send');
      const s = sessionOf(ctx, sessions, p.organizationId);
      const jid = ctx.params.jid ?? '';
      if (!store.channels.getRow(s.id, jid)) throw new NotFoundError('channel not found', { jid });
      ctx.body = messagePage(deps, ctx, s.id, jid);
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
      const p = requireCapability(ctx, 'send');
      const s = sessionOf(ctx, sessions, p.organizationId);
      // Documented exception to the check order: no live client -> 501 before the body is looked at.
      const client = sessions.liveClient(s.id);
      if (!client) throw new NotImplementedError('the session has no live WhatsApp client', { sessionId: s.id });
      const body = parseBody(ctx, CreateChannelBody);
      const created = await client.createChannel(body.name, body.description);
      ctx.status = 201;
      ctx.body = { ...created, sessionId: s.id };
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
      const p = requireCapability(ctx, 'send');
      const s = sessionOf(ctx, sessions, p.organizationId);
      const jid = ctx.params.jid ?? '';
      if (!isChannelJid(jid)) throw new ValidationError('not a channel JID (…@newsletter)', { field: 'jid', value: jid });
      const client = sessions.liveClient(s.id);
      if (!client) throw new NotImplementedError('the session has no live WhatsApp client', { sessionId: s.id });
      await client.followChannel(jid);
      noContent(ctx);
    },
  });
}
