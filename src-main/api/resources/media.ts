/**
 * The media archive over HTTP (docs/API.md "The archive in use"): a message's file or embedded thumbnail for
 * chats (read) and channel posts (send), download requests (202), storage usage and the per-session download
 * policy. Headers and ranges follow src-main/media/serve-headers.ts; this module only translates.
 */
import type { Context } from 'koa';
import type { MediaBody, MediaScope } from '../../app/index.js';
import { sendMediaFile, sendThumbnail } from '../../media/koa-send.js';
import { mediaPolicyPatchSchema } from '../../media/policy.js';
import { bodyOf, param } from '../http.js';
import type { ApiContext } from '../state.js';
import { principalOf } from '../middleware/auth.js';
import { ref, toSchema, type ApiRegistry, type ResponseDef } from '../openapi.js';
import type { ApiDeps } from '../ports.js';
import { MediaDownloadSchema, MediaPolicySchema, MediaQuery, StorageSchema } from '../schemas.js';

const SESSION = "The session id. Another organization's session is not found.";
const ID = 'The WhatsApp message id.';
const SCOPES: { scope: MediaScope; segment: string; param: string; doc: string; access: 'read' | 'send'; name: string }[] = [
  {
    scope: 'chat',
    segment: 'chats',
    param: 'cid',
    doc: 'The chat JID, percent-encoded or not (6281234567890%40s.whatsapp.net, 1203...%40g.us).',
    access: 'read',
    name: 'Chat',
  },
  {
    scope: 'channel',
    segment: 'channels',
    param: 'jid',
    doc: 'The channel JID, e.g. 120363012345678901%40newsletter.',
    access: 'send',
    name: 'Channel',
  },
];

const FILE_TYPES = ['image/*', 'video/*', 'audio/*', 'application/octet-stream'];

const CONTENT_RESPONSES: Record<number, ResponseDef> = {
  200: { description: 'The decrypted file (or, with variant=thumbnail, the embedded JPEG)', binary: [...FILE_TYPES, 'image/jpeg'] },
  206: { description: 'The requested byte range (Content-Range)', binary: FILE_TYPES },
  304: { description: 'Not modified (If-None-Match matched the ETag, the sha256 of the bytes)' },
  416: { description: 'Range not satisfiable (Content-Range: bytes */size)' },
  410: { description: 'media_expired: WhatsApp no longer has it and the re-upload request failed', schema: ref('Error') },
  501: { description: 'not_implemented: not downloaded yet and no live client', schema: ref('Error') },
  502: { description: 'internal: the download failed, or is still running after the bounded wait (Retry-After)', schema: ref('Error') },
};

function send(ctx: ApiContext, body: MediaBody): void {
  if (body.kind === 'thumbnail') sendThumbnail(ctx as unknown as Context, body);
  else sendMediaFile(ctx as unknown as Context, body.files, body.file);
}

export function registerMediaRoutes(api: ApiRegistry, deps: ApiDeps): void {
  const { media } = deps.app;

  for (const s of SCOPES) {
    const base = `/sessions/{session}/${s.segment}/{${s.param}}/messages/{id}`;
    const pathParams = { session: SESSION, [s.param]: s.doc, id: ID };
    api.add({
      method: 'get',
      path: `${base}/media`,
      operationId: `get${s.name}MessageMedia`,
      summary: `Download the media of a ${s.scope === 'chat' ? 'chat message' : 'channel post'}`,
      description:
        'The decrypted file with `Content-Type` (the stored mimetype), `ETag` (sha256 of the bytes), `Accept-Ranges: bytes` ' +
        '(206 for `Range`, 416 when unsatisfiable), `If-None-Match` (304), `Cache-Control: private, max-age=31536000, ' +
        "immutable`, `X-Content-Type-Options: nosniff`, `Content-Security-Policy: sandbox; default-src 'none'`, and " +
        '`Content-Disposition` inline for image/video/audio, else an attachment. Not downloaded yet: fetched now when the ' +
        'session is live (bounded wait), else 501. A message without media is 404; media WhatsApp no longer has (and ' +
        'the phone could not upload again) is 410 `media_expired`. `?variant=thumbnail` serves the JPEG preview embedded ' +
        'in the message (works offline; 404 when there is none).',
      tag: 'Media',
      access: s.access,
      pathParams,
      query: MediaQuery,
      responses: CONTENT_RESPONSES,
      async handler(ctx) {
        const variant = typeof ctx.query.variant === 'string' ? ctx.query.variant : ctx.query.variant === undefined ? undefined : '';
        send(ctx, await media.content(principalOf(ctx), param(ctx, 'session'), s.scope, param(ctx, s.param), param(ctx, 'id'), variant));
      },
    });

    api.add({
      method: 'post',
      path: `${base}/media:download`,
      operationId: `download${s.name}MessageMedia`,
      summary: 'Queue the download of a message\'s media',
      description:
        '(Re)queues the download ahead of background work; idempotent. 202 with `{state:"queued"}`, or `{state:"done"}` ' +
        'when the file is already stored. Watch `media.downloaded` / `media.failed` events. 404 when the message has no media.',
      tag: 'Media',
      access: 'send',
      pathParams,
      responses: { 202: { description: 'Queued (or already stored)', schema: toSchema(MediaDownloadSchema) } },
      handler(ctx) {
        ctx.status = 202;
        ctx.body = media.requestDownload(principalOf(ctx), param(ctx, 'session'), s.scope, param(ctx, s.param), param(ctx, 'id'));
      },
    });
  }

  api.add({
    method: 'get',
    path: '/sessions/{session}/storage',
    operationId: 'getSessionStorage',
    summary: 'Storage used by a session',
    description:
      'Messages stored, media files and bytes this session references (a file shared with another session counts for ' +
      'both), the database size, downloads pending and failed; plus the storage cap and a warning at 90 % of it.',
    tag: 'Media',
    access: 'read',
    pathParams: { session: SESSION },
    responses: { 200: { description: 'Usage', schema: toSchema(StorageSchema) } },
    handler(ctx) {
      ctx.body = media.storage(principalOf(ctx), param(ctx, 'session'));
    },
  });

  api.add({
    method: 'get',
    path: '/sessions/{session}/media-policy',
    operationId: 'getMediaPolicy',
    summary: 'Media download policy',
    description: 'Which kinds download on receipt and up to what size, history-sync media lazy or auto, and the storage cap.',
    tag: 'Media',
    access: 'read',
    pathParams: { session: SESSION },
    responses: { 200: { description: 'The policy', schema: toSchema(MediaPolicySchema) } },
    handler(ctx) {
      ctx.body = media.policy(principalOf(ctx), param(ctx, 'session'));
    },
  });

  api.add({
    method: 'patch',
    path: '/sessions/{session}/media-policy',
    operationId: 'updateMediaPolicy',
    summary: 'Change the media download policy',
    description:
      'A partial policy: only the fields given change (e.g. `{"autoDownload":{"video":false},"history":"auto"}`); ' +
      '`storageCapBytes: null` removes the cap. Unknown fields are 400. Returns the whole policy.',
    tag: 'Media',
    access: 'manage',
    pathParams: { session: SESSION },
    body: mediaPolicyPatchSchema,
    responses: { 200: { description: 'The updated policy', schema: toSchema(MediaPolicySchema) } },
    handler(ctx) {
      ctx.body = media.setPolicy(principalOf(ctx), param(ctx, 'session'), bodyOf(ctx, mediaPolicyPatchSchema));
    },
  });
}
