/** History of one chat: how much of it is stored (coverage) and asking the phone for older messages (backfill). */
import { z } from 'zod';
import { principalOf } from '../middleware/auth.js';
import { param } from '../http.js';
import { ref, toSchema, type ApiRegistry } from '../openapi.js';
import type { ApiDeps } from '../ports.js';

const PARAMS = {
  session: 'The session id. Another organization\'s session is not found.',
  cid: 'The chat JID, percent-encoded or not: 6281234567890%40s.whatsapp.net (direct), 1203...%40g.us (group).',
};

const ms = z.number().int().describe('epoch milliseconds');

export const CoverageSchema = z.object({
  chatJid: z.string(),
  oldestMessageId: z.string().nullable().describe('waMessageId of the oldest stored message'),
  oldestMessageAt: ms.nullable(),
  newestMessageAt: ms.nullable(),
  count: z.number().int().min(0).describe('stored messages of the chat'),
  complete: z
    .boolean()
    .describe('the phone said nothing older exists (the stored copy starts where the chat starts) and no gap is left'),
  gaps: z
    .array(
      z.object({
        after: z.string().describe('waMessageId of the newest message before the hole'),
        before: z.string().describe('waMessageId of the oldest message after the hole'),
        from: ms.describe('epoch ms of `after`'),
        to: ms.describe('epoch ms of `before`'),
      }),
    )
    .describe(
      'holes between the stretches the archive is known to hold without one, oldest first: a connection\'s ' +
        'realtime traffic, one pairing\'s history sync (with the connection it arrived on), a backfill answer ' +
        '(with the message it was anchored on). A reconnect leaves a gap in chats with messages on both sides ' +
        'until a backfill closes it.',
    ),
});

export const BackfillSchema = z.object({
  chatJid: z.string(),
  beforeMessageId: z.string().nullable().describe('the stored message the phone is asked to go back from'),
  count: z.number().int().describe('messages asked for'),
});

export function registerHistoryRoutes(api: ApiRegistry, deps: ApiDeps): void {
  const { history } = deps.app;

  api.add({
    method: 'get',
    path: '/sessions/{session}/chats/{cid}/coverage',
    operationId: 'getChatCoverage',
    summary: 'How much of a chat is stored',
    description:
      'The oldest and newest stored message of the chat, how many are stored, the gaps detected inside the stored ' +
      'history (`gaps`), and whether it is complete (`complete`: the phone answered a backfill with nothing older, ' +
      'and no gap is left). 404 when no chat with that `cid` is stored.',
    tag: 'Chats',
    access: 'read',
    pathParams: PARAMS,
    responses: { 200: { description: 'The chat\'s coverage', schema: toSchema(CoverageSchema) } },
    handler(ctx) {
      ctx.body = history.coverage(principalOf(ctx), param(ctx, 'session'), param(ctx, 'cid'));
    },
  });

  api.add({
    method: 'post',
    path: '/sessions/{session}/chats/{cid}:backfill',
    operationId: 'backfillChat',
    summary: 'Ask the phone for older messages of a chat',
    description:
      'Asks the phone for 50 older messages (Baileys\' fetchMessageHistory): those before the newest gap when coverage ' +
      'reports one (`beforeMessageId` is the message after it), else those before the oldest stored one. 202 once asked; ' +
      'the phone answers later: the messages are stored, and `sync.progress` events carrying this `chatJid` report ' +
      'the request (`syncing`, 0) and the answer (`complete`, 100). The gap asked about closes once the answer reaches ' +
      'the message before it or the start of the chat; when the answer reaches the start of the chat and no gap is left, coverage turns ' +
      '`complete`. Asking again adds nothing already stored. Takes no body. 404 when the chat is not stored; 501 ' +
      'without a live client.',
    tag: 'Chats',
    access: 'send',
    pathParams: PARAMS,
    responses: {
      202: { description: 'The phone was asked', schema: toSchema(BackfillSchema) },
      501: { description: 'not_implemented: no live client', schema: ref('Error') },
    },
    async handler(ctx) {
      ctx.body = await history.backfill(principalOf(ctx), param(ctx, 'session'), param(ctx, 'cid'));
      ctx.status = 202;
    },
  });
}
