/** Search (issue 10): stored messages matching words, newest first, with filters; and the indexer's progress. */
import { z } from 'zod';
import { principalOf } from '../middleware/auth.js';
import { pageOf, param } from '../http.js';
import { listOf, ref, toSchema, type ApiRegistry } from '../openapi.js';
import type { ApiDeps } from '../ports.js';
import { ListQuery, MessageSchema } from '../schemas.js';

export const SearchHitSchema = z.object({
  message: MessageSchema,
  chat: z.object({
    jid: z.string(),
    name: z.string().nullable(),
    type: z.string().describe('dm, group or channel'),
  }),
  snippet: z.string().describe('HTML: the text around the hits, escaped, each hit inside <mark></mark> (no other tags)'),
});

export const SearchQuery = ListQuery.extend({
  q: z
    .string()
    .describe('required: words (all must match), "exact phrase", prefix* (2+ letters); accent- and case-insensitive; CJK found inside text'),
  chat: z.string().optional().describe('only this chat (JID)'),
  sender: z.string().optional().describe('only messages from this sender (JID, phone or LID form)'),
  type: z.string().optional().describe('only this message type (text, image, document, ...)'),
  hasMedia: z.enum(['true', 'false']).optional().describe('only messages with (true) or without (false) media'),
  before: z.string().optional().describe('epoch ms: only messages sent before'),
  after: z.string().optional().describe('epoch ms: only messages sent after'),
});

const SearchIndexSchema = z.object({
  complete: z.boolean().describe('true when every stored message was indexed when this search ran: the answer is complete'),
  pending: z
    .number()
    .int()
    .describe('messages not indexed yet (not findable by this search); GET .../messages/search/status follows the indexer'),
});

/** A page of hits (as every list) plus how complete the index was. */
const searchPageSchema = () => {
  const page = listOf('SearchHit') as { required: string[]; properties: Record<string, unknown> };
  return { ...page, required: [...page.required, 'index'], properties: { ...page.properties, index: ref('SearchIndex') } };
};

const SearchProgressSchema = z.object({
  done: z.number().int().describe('messages stored before search existed that have been indexed'),
  total: z.number().int().describe('messages stored before search existed'),
  queued: z.number().int().describe('new or changed messages waiting to be indexed'),
  finished: z.boolean(),
});

export function registerSearchRoutes(api: ApiRegistry, deps: ApiDeps): void {
  const { search } = deps.app;
  api.component('SearchHit', SearchHitSchema);
  api.component('SearchIndex', SearchIndexSchema);

  api.add({
    method: 'get',
    path: '/sessions/{session}/messages/search',
    operationId: 'searchMessages',
    summary: 'Search messages',
    description:
      'Stored messages of the session matching `q`, newest first, cursor paging like every list (stable while messages ' +
      'arrive). `q`: words (all must match), `"exact phrase"`, `prefix*`; accent- and case-insensitive; CJK text is ' +
      'found inside sentences. Anything else in `q` is text, never query syntax. Empty `q` is 400. Channel posts are ' +
      'included only for credentials with `send`. `index` says whether every stored message was searchable: a search ' +
      'first indexes a batch of queued messages, so while an old archive is indexed for the first time or a large ' +
      'history sync is indexed, `complete` is false and `pending` counts the messages not findable yet.',
    tag: 'Messages',
    access: 'read',
    pathParams: { session: 'The session id.' },
    query: SearchQuery,
    responses: { 200: { description: 'A page of hits and the state of the index', schema: searchPageSchema() } },
    handler(ctx) {
      const { q, chat, sender, type, hasMedia, before, after } = ctx.query;
      ctx.body = search.search(principalOf(ctx), param(ctx, 'session'), { q, chat, sender, type, hasMedia, before, after }, pageOf(ctx));
    },
  });

  api.add({
    method: 'get',
    path: '/sessions/{session}/messages/search/status',
    operationId: 'searchStatus',
    summary: 'Search index progress',
    description:
      'How far the background indexer is: an archive stored before search existed is indexed in the background after ' +
      'an upgrade (`done` of `total`); new messages wait briefly in a queue (`queued`). Searches work meanwhile.',
    tag: 'Messages',
    access: 'read',
    pathParams: { session: 'The session id.' },
    responses: { 200: { description: 'Progress', schema: toSchema(SearchProgressSchema) } },
    handler(ctx) {
      ctx.body = search.progress(principalOf(ctx), param(ctx, 'session'));
    },
  });
}
