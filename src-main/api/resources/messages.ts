/**
 * Sending and acting on messages (docs/API.md "Acting on chats" and "Sending and acting on messages"): every kind
 * of send (JSON with base64, or multipart/form-data for files), edits, deletes and retries.
 */
import type { SendInput } from '../../app/index.js';
import { DEFAULT_SEND_MEDIA_MAX_BYTES } from '../../app/index.js';
import { AppError, UnsupportedMediaTypeError, ValidationError } from '../../core/errors.js';
import { principalOf } from '../middleware/auth.js';
import { readMultipart } from '../middleware/body.js';
import { noContent, param, parseBody } from '../http.js';
import { ref, toSchema, type ApiRegistry } from '../openapi.js';
import type { ApiDeps } from '../ports.js';
import { SendResultSchema } from '../schemas.js';
import { DeleteMessageQuery, EditMessageBody, SendMessageBody, SendMultipartSchema } from '../send-schemas.js';
import type { ApiContext } from '../state.js';

const PARAMS = {
  session: "The session id. Another organization's session is not found.",
  cid: 'The chat JID, percent-encoded or not.',
  id: 'The message id (waMessageId).',
};

/** Request bytes a media send may take: the file as base64 (4/3 of it) plus room for the other fields. */
export function sendBodyLimit(maxMediaBytes: number): number {
  return Math.ceil((maxMediaBytes * 4) / 3) + 1024 * 1024;
}

/** Multipart text fields that are not strings in the JSON form. */
function fieldValue(name: string, value: string): unknown {
  if (name === 'ptt') {
    if (value === 'true' || value === '1') return true;
    if (value === 'false' || value === '0' || value === '') return false;
    return value;
  }
  if (name === 'latitude' || name === 'longitude' || name === 'selectableCount') {
    const n = Number(value);
    return value.trim() !== '' && Number.isFinite(n) ? n : value;
  }
  return value;
}

const LIST_FIELDS = new Set(['options', 'mentions']);

/**
 * The body of a send, JSON or multipart, parsed and validated (400; 415 for any other type). Read before the
 * service runs (multipart parsing is asynchronous) but thrown only when the service asks for its input, so the
 * documented check order (capability, session, then input) holds.
 */
async function sendInput(ctx: ApiContext): Promise<() => SendInput> {
  const type = ctx.get('content-type');
  if (!/^multipart\/form-data/i.test(type)) {
    if (type && !/^application\/([\w.+-]+\+)?json\s*(;|$)/i.test(type)) {
      const err = new UnsupportedMediaTypeError(type);
      err.message = 'request body must be application/json or multipart/form-data';
      return () => {
        throw err;
      };
    }
    return () => parseBody(ctx, SendMessageBody) as SendInput;
  }
  let parsed: { fields: Record<string, unknown>; file?: { data: Buffer; filename?: string; mimetype?: string } } | AppError;
  try {
    const form = await readMultipart(ctx);
    const fields: Record<string, unknown> = {};
    let file: { data: Buffer; filename?: string; mimetype?: string } | undefined;
    for (const [name, values] of form ?? []) {
      if (name === 'file') {
        const f = values[0];
        if (values.length !== 1 || typeof f === 'string' || !f) throw new ValidationError('send exactly one file part named `file`', { field: 'file' });
        file = { data: Buffer.from(await f.arrayBuffer()) };
        if (f.name) file.filename = f.name;
        if (f.type) file.mimetype = f.type;
        continue;
      }
      const texts = values.filter((v): v is string => typeof v === 'string');
      if (texts.length !== values.length) throw new ValidationError(`the part ${name} must be text`, { field: name });
      fields[name] = LIST_FIELDS.has(name) ? texts : texts.length === 1 ? fieldValue(name, texts[0]!) : texts;
    }
    parsed = file ? { fields, file } : { fields };
  } catch (e) {
    parsed = e instanceof AppError ? e : new ValidationError('request body is not valid multipart/form-data', { field: 'body' });
  }
  return () => {
    if (parsed instanceof AppError) throw parsed;
    const result = SendMessageBody.safeParse(parsed.fields);
    if (!result.success) {
      const issues = result.error.issues.map((i) => ({ path: i.path.join('.') || '(body)', message: i.message }));
      throw new ValidationError(`invalid request body: ${issues[0]?.path}: ${issues[0]?.message}`, { issues });
    }
    const body = result.data as SendInput;
    if (parsed.file) {
      if (body.type !== 'image' && body.type !== 'video' && body.type !== 'audio' && body.type !== 'document' && body.type !== 'sticker') {
        throw new ValidationError(`a ${body.type} message takes no file`, { field: 'file' });
      }
      return { ...body, file: parsed.file } as SendInput;
    }
    return body;
  };
}

export function registerMessageRoutes(api: ApiRegistry, deps: ApiDeps): void {
  const { messages } = deps.app;
  const maxMediaBytes = deps.sendMediaMaxBytes ?? DEFAULT_SEND_MEDIA_MAX_BYTES;
  const mib = Math.floor(maxMediaBytes / (1024 * 1024));

  api.add({
    method: 'post',
    path: '/sessions/{session}/messages',
    operationId: 'sendMessage',
    summary: 'Send a message (text, media, location, poll, reaction, forward)',
    description:
      'Body by `type`: `text {to, text, replyTo?, mentions?}`; `image`/`video`/`audio`/`document`/`sticker` `{to, data ' +
      '(base64), mimetype?, filename?, caption?, ptt? (audio: voice note), replyTo?}` as JSON, or as multipart/form-data ' +
      `with the file in the part \`file\`; \`location {to, latitude, longitude, name?, address?}\`; \`poll {to, name, options ` +
      '(2..12), selectableCount?}`; `reaction {to, messageId, emoji}` (`""` removes ours); `forward {to, messageId, ' +
      `fromChat}\`. Media: at most ${mib} MiB (413 beyond); mimetype sniffed when absent; a kind/type mismatch is 422. ` +
      'The message is stored at once as pending (a `message` event) and updated by receipts (`message.status`). Unknown ' +
      '`replyTo`/`messageId` -> 404. Needs a live client (501 otherwise); WhatsApp refusing the send is a 502 with a ' +
      'readable message, the message stored with status `error` (retry it with `:retry`).',
    tag: 'Messages',
    access: 'send',
    pathParams: { session: PARAMS.session },
    body: SendMessageBody,
    bodyContent: { 'multipart/form-data': SendMultipartSchema },
    bodyLimit: sendBodyLimit(maxMediaBytes),
    responses: {
      200: { description: 'Accepted for delivery', schema: toSchema(SendResultSchema) },
      404: { description: 'not_found: session, or the message named by replyTo/messageId', schema: ref('Error') },
      413: { description: `payload_too_large: the file is over ${mib} MiB`, schema: ref('Error') },
      422: { description: 'validation_error: the file is not of the kind sent (e.g. a sticker that is not WebP)', schema: ref('Error') },
      501: { description: 'not_implemented: no live client', schema: ref('Error') },
      502: { description: 'WhatsApp refused or did not confirm the message (code internal, a readable message, details.waMessageId)', schema: ref('Error') },
    },
    async handler(ctx) {
      const input = await sendInput(ctx);
      ctx.body = await messages.send(principalOf(ctx), param(ctx, 'session'), input);
    },
  });

  api.add({
    method: 'patch',
    path: '/sessions/{session}/chats/{cid}/messages/{id}',
    operationId: 'editMessage',
    summary: 'Edit one of our text messages',
    description:
      '`{text}`: edits our own text message within WhatsApp\'s edit window (15 minutes after sending). The stored body ' +
      'changes and `edited` becomes true (a `message.status` event with the new `body`). 404 chat or message unknown; ' +
      "403 someone else's message; 409 too late, deleted, not a text message, or a send that failed; 501 not live.",
    tag: 'Messages',
    access: 'send',
    pathParams: PARAMS,
    body: EditMessageBody,
    responses: {
      200: { description: 'The edited message', schema: ref('Message') },
      409: { description: 'conflict: outside the edit window, deleted, not text, or never sent', schema: ref('Error') },
      501: { description: 'not_implemented: no live client', schema: ref('Error') },
      502: { description: 'WhatsApp refused the edit', schema: ref('Error') },
    },
    async handler(ctx) {
      const input = () => parseBody(ctx, EditMessageBody);
      ctx.body = await messages.edit(principalOf(ctx), param(ctx, 'session'), param(ctx, 'cid'), param(ctx, 'id'), input);
    },
  });

  api.add({
    method: 'delete',
    path: '/sessions/{session}/chats/{cid}/messages/{id}',
    operationId: 'deleteMessage',
    summary: 'Delete a message for everyone or for me',
    description:
      '`for=everyone` revokes our own message on WhatsApp (within about 2.5 days of sending) and stores it as revoked ' +
      '(`deleted: true`, a `message.status` event); someone else\'s -> 403, too late or never sent -> 409, not live -> 501. ' +
      '`for=me` removes the stored copy only (a `message.removed` event); WhatsApp keeps it. `for` is required.',
    tag: 'Messages',
    access: 'send',
    pathParams: PARAMS,
    query: DeleteMessageQuery,
    responses: {
      204: { description: 'Deleted' },
      409: { description: 'conflict: outside the window, or a send that never went out', schema: ref('Error') },
      501: { description: 'not_implemented: no live client (for=everyone)', schema: ref('Error') },
      502: { description: 'WhatsApp refused the revoke', schema: ref('Error') },
    },
    async handler(ctx) {
      const scope = ctx.query.for;
      if (Array.isArray(scope)) throw new ValidationError('for must be given once', { field: 'for' });
      await messages.delete(principalOf(ctx), param(ctx, 'session'), param(ctx, 'cid'), param(ctx, 'id'), scope);
      noContent(ctx);
    },
  });

  api.add({
    method: 'post',
    path: '/sessions/{session}/chats/{cid}/messages/{id}:retry',
    operationId: 'retryMessage',
    summary: 'Send a failed message again',
    description:
      'Sends a message of ours whose status is `error` again, with the same id and content (media from the media ' +
      "store); it is pending again (`message.status`). 404 unknown; 403 someone else's; 409 not failed, or its content " +
      'is no longer known; 501 not live; 502 WhatsApp refused it again. No body.',
    tag: 'Messages',
    access: 'send',
    pathParams: PARAMS,
    responses: {
      200: { description: 'Sent again', schema: toSchema(SendResultSchema) },
      409: { description: 'conflict: the message did not fail, or its content is gone', schema: ref('Error') },
      501: { description: 'not_implemented: no live client', schema: ref('Error') },
      502: { description: 'WhatsApp refused it again', schema: ref('Error') },
    },
    async handler(ctx) {
      ctx.body = await messages.retry(principalOf(ctx), param(ctx, 'session'), param(ctx, 'cid'), param(ctx, 'id'));
    },
  });
}
