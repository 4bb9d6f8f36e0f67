/** Sending messages through the session's live client (text in v1). */
import { NotImplementedError, ValidationError } from '../../core/errors.js';
import { isChatJid } from '../../core/jid.js';
import { requireCapability } from '../middleware/auth.js';
import { parseBody, sessionOf } from '../http.js';
import { toSchema, ref, type ApiRegistry } from '../openapi.js';
import type { ApiDeps } from '../ports.js';
import { SendMessageBody, SendResultSchema } from '../schemas.js';

export function registerMessageRoutes(api: ApiRegistry, deps: ApiDeps): void {
  api.add({
    method: 'post',
    path: '/sessions/{session}/messages',
    operationId: 'sendMessage',
    summary: 'Send a text message',
    description:
      'Body `{type:"text", to, text, replyTo?, mentions?}`. The message is stored at once as pending and updated by ' +
      'receipts (watch `message.status` events). Needs a live client (501 otherwise).',
    tag: 'Messages',
    access: 'send',
    pathParams: { session: 'The session id.' },
    body: SendMessageBody,
    responses: {
      200: { description: 'Accepted for delivery', schema: toSchema(SendResultSchema) },
      501: { description: 'not_implemented: no live client', schema: ref('Error') },
    },
    async handler(ctx) {
      const p = requireCapability(ctx, 'send');
      const s = sessionOf(ctx, deps.sessions, p.organizationId);
      const body = parseBody(ctx, SendMessageBody);
      if (!isChatJid(body.to)) throw new ValidationError('`to` is not a chat JID', { field: 'to', value: body.to });
      const bad = body.mentions?.find((m) => !isChatJid(m));
      if (bad) throw new ValidationError('a mention is not a JID', { field: 'mentions', value: bad });
      const client = deps.sessions.liveClient(s.id);
      if (!client) throw new NotImplementedError('the session has no live WhatsApp client', { sessionId: s.id });
      ctx.body = await client.sendText({ to: body.to, text: body.text, replyTo: body.replyTo, mentions: body.mentions });
    },
  });
}
