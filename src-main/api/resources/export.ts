/** Chat export (issue 10): the whole stored chat as one streamed download (docs/API.md "Export"). */
import { PassThrough } from 'node:stream';
import { z } from 'zod';
import { principalOf } from '../middleware/auth.js';
import { param } from '../http.js';
import { ref, type ApiRegistry } from '../openapi.js';
import type { ApiDeps } from '../ports.js';

const ExportQuery = z.object({
  format: z.enum(['json', 'html', 'txt', 'csv']).optional().describe('json (default), html, txt (WhatsApp\'s own format) or csv'),
  media: z.enum(['omit', 'include']).optional().describe('omit (default): media named only; include: a zip with a media/ folder'),
});

/** RFC 6266/5987: an ASCII fallback plus the exact UTF-8 name. */
export function contentDisposition(filename: string): string {
  const ascii = filename.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  const encoded = encodeURIComponent(filename).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}

const one = (v: unknown, field: string): string | undefined => {
  if (v === undefined || typeof v === 'string') return v;
  return `${field}-given-twice`; // the service answers 400 naming the field
};

export function registerExportRoutes(api: ApiRegistry, deps: ApiDeps): void {
  const service = deps.app.export;
  const logger = deps.logger;

  api.add({
    method: 'get',
    path: '/sessions/{session}/chats/{cid}/export',
    operationId: 'exportChat',
    summary: 'Export a chat',
    description:
      'The whole stored chat, oldest first, streamed (constant memory on the gateway; no Content-Length). ' +
      '`json`: `{chat, exportedAt, messages: [Message...]}`; `html`: one self-contained page (inline CSS, no scripts, ' +
      'no remote loads); `txt`: WhatsApp\'s Android export format (`dd/mm/yyyy, HH:MM - Name: text`, local time of the ' +
      'gateway); `csv`: one row per message with a header row. `media=include` answers `application/zip` holding the ' +
      'document plus a `media/` folder of the downloaded files (`media/<sha256>.<ext>`); media never downloaded get a ' +
      'placeholder. `Content-Disposition` names the file; `X-Export-Messages` tells how many messages it holds.',
    tag: 'Chats',
    access: 'read',
    pathParams: {
      session: 'The session id. Another organization\'s session is not found.',
      cid: 'The chat JID (percent-encoded or not); a LID form finds the chat it was merged into.',
    },
    query: ExportQuery,
    responses: {
      200: {
        description: 'The export, streamed',
        content: {
          'application/json': {
            type: 'object',
            required: ['chat', 'exportedAt', 'messages'],
            properties: { chat: ref('Chat'), exportedAt: { type: 'integer' }, messages: { type: 'array', items: ref('Message') } },
          },
          'text/html': { type: 'string' },
          'text/plain': { type: 'string' },
          'text/csv': { type: 'string' },
          'application/zip': { type: 'string', format: 'binary' },
        },
      },
    },
    handler(ctx) {
      const job = service.exportChat(principalOf(ctx), param(ctx, 'session'), param(ctx, 'cid'), {
        format: one(ctx.query.format, 'format'),
        media: one(ctx.query.media, 'media'),
      });
      const body = new PassThrough({ highWaterMark: 256 * 1024 });
      ctx.status = 200;
      ctx.type = job.contentType;
      ctx.set('Content-Disposition', contentDisposition(job.filename));
      ctx.set('X-Export-Messages', String(job.messages));
      ctx.set('Cache-Control', 'no-store');
      ctx.body = body;
      // Headers are sent with the first bytes; a failure later can only cut the stream (the client sees it short).
      job.write(body).catch((err: Error) => {
        // A destroyed body is the reader going away (Koa destroys it when the response closes): not a failure.
        if (body.destroyed) logger.debug({ format: job.format, media: job.media }, 'chat export cut short by the reader');
        else logger.warn({ err, format: job.format }, 'chat export failed');
        body.destroy(err);
      });
    },
  });
}
