/** Realtime: tickets for the WebSocket (the socket itself is served by the gateway's HTTP server). */
import { principalOf } from '../middleware/auth.js';
import { toSchema, type ApiRegistry } from '../openapi.js';
import type { ApiDeps } from '../ports.js';
import { TicketSchema } from '../schemas.js';

export function registerRealtimeRoutes(api: ApiRegistry, deps: ApiDeps, wsBase: () => string): void {
  api.add({
    method: 'post',
    path: '/realtime/ticket',
    operationId: 'createRealtimeTicket',
    summary: 'Get a ticket for the realtime WebSocket',
    description:
      'Single-use, short-lived. Open `url` as a WebSocket; add `&after=<event id>` to resume after a drop. One JSON ' +
      'frame per event: `{schema:"v1", id:"evt_<ULID>", event, session, organization, timestamp, payload}`; events ' +
      '`auth.qr`, `session.status`, `message`, `message.status`, `chat.deleted`, `sync.progress`, `media.downloaded`, `media.failed`, only of the ' +
      'caller\'s organization.',
    tag: 'Realtime',
    access: 'any',
    responses: { 200: { description: 'The ticket', schema: toSchema(TicketSchema) } },
    handler(ctx) {
      const p = principalOf(ctx);
      const t = deps.realtime.issue(p);
      ctx.set('Cache-Control', 'no-store');
      ctx.body = { ticket: t.ticket, url: `${wsBase()}/api/v1/realtime?ticket=${t.ticket}`, expiresAt: t.expiresAt };
    },
  });
}
