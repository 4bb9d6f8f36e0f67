/** Sending messages through the session's live client (text in v1). */
import { principalOf } from '../middleware/auth.js';
import { bodyOf, param } from '../http.js';
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
      ctx.body = await deps.app.messages.sendText(principalOf(ctx), param(ctx, 'session'), bodyOf(ctx, SendMessageBody));
    },
  });
}
