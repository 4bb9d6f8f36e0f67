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
  complete: z.boolean().describe('the phone said nothing older exists: the stored copy starts where the chat starts'),
  gaps: z
    .array(z.object({ after: z.string(), before: z.string() }))
    .describe('holes inside the stored range; always [] (chunk boundaries of history sync are not recorded)'),
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
      'The oldest and newest stored message of the chat, how many are stored, and whether the start of the chat is ' +
      'known (`complete`: the phone answered a backfill with nothing older). `gaps` is always empty: the gateway does ' +
      'not record history-sync chunk boundaries. 404 when no chat with that `cid` is stored.',
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
      'Asks the phone for the 50 messages before the oldest stored one (Baileys\' fetchMessageHistory). 202 once asked; ' +
      'the phone answers later: the messages are stored, and `sync.progress` events carrying this `chatJid` report ' +
      'the request (`syncing`, 0) and the answer (`complete`, 100). When the answer reaches the start of the chat, ' +
      'coverage turns `complete`. Asking again adds nothing already stored. Takes no body. 404 when the chat is not ' +
      'stored; 501 without a live client.',
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
