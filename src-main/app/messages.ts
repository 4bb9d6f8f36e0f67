/**
 * Sending and acting on messages (issue 13, docs/API.md "Sending and acting on messages"): every kind of send,
 * edits, revokes, local deletes and retries. Checks run in the documented order: capability -> session ->
 * input (400/413/422) -> the stored messages the input names (404), whose they are (403) and whether the action
 * is still possible (409) -> the live client (501). The WhatsApp side (the adapter behind the port) stores the
 * pending row and talks to WhatsApp; media bytes are put in the media store here first, so the message shows
 * its file at once and a retry can send it again.
 */
import { createHash } from 'node:crypto';
import {
  ConflictError,
  ForbiddenError,
  InvalidValueError,
  NotFoundError,
  NotImplementedError,
  PayloadTooLargeError,
  ValidationError,
} from '../core/errors.js';
import { messageRemovedPayload } from '../core/event-payloads.js';
import type { EventPublisher } from '../core/events.js';
import { isChatJid, isLidJid } from '../core/jid.js';
import type { Message, Principal, Session } from '../core/types.js';
import type { OutgoingMediaKind, OutgoingMessage, OutgoingText, SendResult } from '../core/whatsapp-port.js';
import { resolveMimetype } from '../media/mime.js';
import type { Store } from '../store/index.js';
import { rowToMessage, type MessageRow } from '../store/repositories/messages.js';
import { requireCapability, type Input } from './access.js';
import { addMessageDetails } from './message-details.js';
import type { MediaPort } from './ports.js';
import type { SessionsService } from './sessions.js';

/** The largest file one send takes (docs/API.md): 64 MiB, WhatsApp's own limit for photos and videos. */
export const DEFAULT_SEND_MEDIA_MAX_BYTES = 64 * 1024 * 1024;
/** WhatsApp's edit window (also in whatsapp/baileys/send.ts, where the adapter keeps its own copy of the rule). */
export const EDIT_WINDOW_MS = 15 * 60 * 1000;
/** "Delete for everyone": about two and a half days (60 hours) after sending. */
export const REVOKE_WINDOW_MS = 60 * 60 * 60 * 1000;

/** A file sent as a multipart part. */
export interface UploadedFile {
  data: Buffer;
  filename?: string | undefined;
  mimetype?: string | undefined;
}

/** The body of POST /sessions/{s}/messages after the door parsed it (JSON or multipart). */
export type SendInput =
  | { type: 'text'; to: string; text: string; replyTo?: string | undefined; mentions?: string[] | undefined }
  | {
      type: OutgoingMediaKind;
      to: string;
      /** base64 (or a data: URL); absent when the file came as a multipart part. */
      data?: string | undefined;
      file?: UploadedFile | undefined;
      mimetype?: string | undefined;
      filename?: string | undefined;
      caption?: string | undefined;
      ptt?: boolean | undefined;
      replyTo?: string | undefined;
    }
  | { type: 'location'; to: string; latitude: number; longitude: number; name?: string | undefined; address?: string | undefined; replyTo?: string | undefined }
  | { type: 'poll'; to: string; name: string; options: string[]; selectableCount?: number | undefined }
  | { type: 'reaction'; to: string; messageId: string; emoji: string }
  | { type: 'forward'; to: string; messageId: string; fromChat: string };

export interface MessagesDeps {
  sessions: SessionsService;
  store: Store;
  publisher: EventPublisher;
  /** The media store; null: media sends answer not_implemented (tests without an archive). */
  media?: MediaPort | null | undefined;
  now?: () => number;
  /** Largest file one send takes (default DEFAULT_SEND_MEDIA_MAX_BYTES). */
  maxMediaBytes?: number | undefined;
  /** After a local delete: removes media files no message references any more. */
  collectGarbage?: (() => void) | undefined;
}

export type MessagesService = ReturnType<typeof createMessagesService>;

/** Bytes of a base64 text (a data: URL too), checked strictly; the declared media type of a data: URL. */
function decodeBase64(text: string, limit: number): { bytes: Buffer; mimetype: string | null } {
  let b64 = text;
  let mimetype: string | null = null;
  const dataUrl = /^data:([^;,]*)(;[^,]*)?;base64,/i.exec(text.slice(0, 300));
  if (dataUrl) {
    mimetype = dataUrl[1] || null;
    b64 = text.slice(dataUrl[0].length);
  }
  b64 = b64.replace(/\s+/g, '');
  // Before decoding anything: the size the text stands for.
  const padding = b64.endsWith('==') ? 2 : b64.endsWith('=') ? 1 : 0;
  const size = Math.floor((b64.length * 3) / 4) - padding;
  if (size > limit) throw mediaTooLarge(limit);
  if (b64.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(b64)) {
    throw new ValidationError('data is not valid base64', { field: 'data' });
  }
  return { bytes: Buffer.from(b64, 'base64'), mimetype };
}

function mediaTooLarge(limit: number): PayloadTooLargeError {
  const err = new PayloadTooLargeError(limit);
  err.message = `the file is larger than ${Math.floor(limit / (1024 * 1024))} MiB, the most one message may carry`;
  return err;
}

/** What a media kind accepts (WhatsApp shows a sticker only as WebP). */
function checkMediaType(kind: OutgoingMediaKind, mimetype: string): void {
  const family = mimetype.split('/')[0];
  const ok =
    kind === 'document' ||
    (kind === 'image' && family === 'image') ||
    (kind === 'video' && family === 'video') ||
    (kind === 'audio' && family === 'audio') ||
    (kind === 'sticker' && mimetype.split(';')[0]!.trim() === 'image/webp');
  if (!ok) {
    const want = kind === 'sticker' ? 'a WebP image (image/webp)' : `${kind === 'audio' ? 'audio' : `an ${kind}`} (${kind}/*)`;
    throw new InvalidValueError(`a ${kind} message needs ${want}; this file is ${mimetype}`, { field: 'mimetype', value: mimetype });
  }
}

export function createMessagesService(deps: MessagesDeps) {
  const { sessions, store, publisher } = deps;
  const now = deps.now ?? Date.now;
  const maxMediaBytes = deps.maxMediaBytes ?? DEFAULT_SEND_MEDIA_MAX_BYTES;

  /** The stored chat a JID names (a LID form finds the phone-form chat it was merged into), or the JID itself. */
  const storedChat = (sessionId: string, jid: string): string => {
    if (!isLidJid(jid) || store.chats.exists(sessionId, jid)) return jid;
    return store.lidMappings.pnForLid(sessionId, jid) ?? jid;
  };

  /** A message stored in a chat, else 404 naming what was looked for. */
  const requireStored = (sessionId: string, chatJid: string, id: string, field: string): MessageRow => {
    const row = store.messages.find(sessionId, storedChat(sessionId, chatJid), id);
    if (!row) throw new NotFoundError(`the message named by ${field} is not stored in that chat`, { [field]: id, chatJid });
    return row;
  };

  /** The chat of a path (404 when not stored) and the message in it (404). */
  const requireMessage = (sessionId: string, cid: string, id: string): MessageRow => {
    const jid = storedChat(sessionId, cid);
    if (!store.chats.exists(sessionId, jid)) throw new NotFoundError('chat not found', { chatJid: cid });
    const row = store.messages.find(sessionId, jid, id);
    if (!row) throw new NotFoundError('message not found', { chatJid: cid, messageId: id });
    return row;
  };

  /** Keeps a file in the media store (content-addressed); returns its sha256. */
  const keepFile = async (bytes: Buffer): Promise<string> => {
    const files = deps.media?.files;
    if (!files) throw new NotImplementedError('this gateway has no media store; media cannot be sent');
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    if (!files.has(sha256)) {
      await files.write((async function* () {
        yield bytes;
      })(), { expectedSha256: sha256 });
    }
    return sha256;
  };

  /** The media part of an input, decoded and checked (400/413/422). */
  const mediaOf = (input: Extract<SendInput, { type: OutgoingMediaKind }>) => {
    let bytes: Buffer;
    let declared: string | null = null;
    if (input.file) {
      if (input.data !== undefined) throw new ValidationError('send the file either as `data` or as a multipart `file`, not both', { field: 'data' });
      bytes = input.file.data;
      if (bytes.length > maxMediaBytes) throw mediaTooLarge(maxMediaBytes);
      declared = input.file.mimetype ?? null;
    } else {
      if (typeof input.data !== 'string' || input.data === '') throw new ValidationError('data (the file as base64) is required', { field: 'data' });
      ({ bytes, mimetype: declared } = decodeBase64(input.data, maxMediaBytes));
    }
    if (bytes.length === 0) throw new ValidationError('the file is empty', { field: 'data' });
    const filename = input.filename ?? input.file?.filename;
    // A generic part type (curl's default) says nothing: sniff instead.
    const given = input.mimetype ?? (declared && declared !== 'application/octet-stream' ? declared : undefined);
    const mimetype = resolveMimetype(given, bytes, filename);
    checkMediaType(input.type, mimetype);
    if ((input.type === 'audio' || input.type === 'sticker') && input.caption) {
      throw new ValidationError(`a ${input.type} message has no caption`, { field: 'caption' });
    }
    if (input.ptt && input.type !== 'audio') throw new ValidationError('ptt (a voice note) is for audio only', { field: 'ptt' });
    return { bytes, mimetype, filename };
  };

  /** Everything a send names must be stored (404) before the live client is asked (501). */
  const checkReferences = (sessionId: string, input: SendInput): void => {
    if ('replyTo' in input && input.replyTo) requireStored(sessionId, input.to, input.replyTo, 'replyTo');
    if (input.type === 'reaction') {
      const target = requireStored(sessionId, input.to, input.messageId, 'messageId');
      if (target.type === 'reaction') throw new InvalidValueError('a reaction cannot be reacted to', { field: 'messageId' });
    }
    if (input.type === 'forward') requireStored(sessionId, input.fromChat, input.messageId, 'messageId');
  };

  async function toOutgoing(input: SendInput): Promise<OutgoingMessage> {
    switch (input.type) {
      case 'text':
        return { type: 'text', to: input.to, text: input.text, replyTo: input.replyTo, mentions: input.mentions };
      case 'location':
      case 'reaction':
      case 'forward':
        return input;
      case 'poll':
        return { type: 'poll', to: input.to, name: input.name, options: input.options, selectableCount: input.selectableCount ?? 1 };
      default: {
        const { bytes, mimetype, filename } = mediaOf(input);
        return {
          type: input.type,
          to: input.to,
          data: bytes,
          sha256: '',
          mimetype,
          filename,
          caption: input.caption,
          ptt: input.ptt,
          replyTo: input.replyTo,
        };
      }
    }
  }

  /** A failed message of ours, rebuilt from what was asked (its outbox row) with the file from the media store. */
  async function rebuild(row: MessageRow): Promise<OutgoingMessage> {
    const spec = store.outbox.get(row.pk);
    if (!spec) throw new ConflictError('this message was not sent through the gateway; its content cannot be sent again', { messageId: row.wa_message_id });
    if ('sha256' in spec) {
      const files = deps.media?.files;
      if (!files || !files.has(spec.sha256)) {
        throw new ConflictError('the file of this message is no longer stored; send it again as a new message', { messageId: row.wa_message_id });
      }
      const chunks: Buffer[] = [];
      for await (const c of files.open(spec.sha256)) chunks.push(c as Buffer);
      return { ...spec, data: Buffer.concat(chunks) };
    }
    return spec;
  }

  function inWindow(row: MessageRow, windowMs: number): boolean {
    return now() - row.timestamp <= windowMs;
  }

  const publish = (s: Session, event: 'message.removed', chatJid: string, waMessageId: string) =>
    publisher.publish({ event, sessionId: s.id, organizationId: s.organizationId, payload: messageRemovedPayload(chatJid, waMessageId) });

  /** Any kind (docs/API.md): 400/413/422 input, 404 named messages, 501 not live, 502 WhatsApp refused. */
  async function send(p: Principal, sessionId: string, input: Input<SendInput>): Promise<SendResult> {
    requireCapability(p, 'send');
    const s = sessions.inOrg(p, sessionId);
    const body = input();
    if (!isChatJid(body.to)) throw new ValidationError('`to` is not a chat JID', { field: 'to', value: body.to });
    if (body.type === 'text') {
      const bad = body.mentions?.find((m) => !isChatJid(m));
      if (bad) throw new ValidationError('a mention is not a JID', { field: 'mentions', value: bad });
    }
    const message = await toOutgoing(body);
    checkReferences(s.id, body);
    const client = sessions.liveClient(s);
    // The file goes into the media store only once the send can happen (a 501 keeps nothing).
    if ('sha256' in message) message.sha256 = await keepFile(message.data);
    return client.send(message);
  }

  return {
    /** Text (v1; MCP send_text uses it too). Stored at once as pending, then updated by receipts ('message.status'). */
    async sendText(p: Principal, sessionId: string, input: Input<OutgoingText>): Promise<SendResult> {
      return send(p, sessionId, () => ({ type: 'text', ...input() }));
    },

    send,

    /** Sends a failed message of ours again (same id, same content). */
    async retry(p: Principal, sessionId: string, cid: string, id: string): Promise<SendResult> {
      requireCapability(p, 'send');
      const s = sessions.inOrg(p, sessionId);
      const row = requireMessage(s.id, cid, id);
      if (row.from_me !== 1) throw new ForbiddenError('only messages sent from this account can be sent again', { messageId: id });
      if (row.ack_level !== 0) throw new ConflictError('only a message whose sending failed can be sent again', { messageId: id, status: rowToMessage(row).status });
      const message = await rebuild(row);
      return sessions.liveClient(s).send(message, { retryOf: row.wa_message_id });
    },

    /** Edits our own text message within WhatsApp's edit window; returns the stored message. */
    async edit(p: Principal, sessionId: string, cid: string, id: string, input: Input<{ text: string }>): Promise<Message> {
      requireCapability(p, 'send');
      const s = sessions.inOrg(p, sessionId);
      const row = requireMessage(s.id, cid, id);
      if (row.from_me !== 1) throw new ForbiddenError('only messages sent from this account can be edited', { messageId: id });
      const { text } = input();
      if (row.deleted === 1) throw new ConflictError('a deleted message cannot be edited', { messageId: id });
      if (row.type !== 'text') throw new ConflictError('only text messages can be edited', { messageId: id, type: row.type });
      if (row.ack_level === 0) throw new ConflictError('this message was never sent; send it again instead of editing it', { messageId: id });
      if (!inWindow(row, EDIT_WINDOW_MS)) {
        throw new ConflictError('too late to edit: WhatsApp allows edits for 15 minutes after sending', { messageId: id, windowMs: EDIT_WINDOW_MS });
      }
      await sessions.liveClient(s).editMessage({ chatJid: row.chat_jid, waMessageId: row.wa_message_id, fromMe: true }, text);
      const fresh = store.messages.get(row.pk);
      if (!fresh) throw new NotFoundError('message not found', { chatJid: cid, messageId: id });
      const message = rowToMessage(fresh);
      addMessageDetails(store, deps.media ?? null, s.id, fresh.chat_jid, [{ message, pk: fresh.pk }]);
      return message;
    },

    /** `everyone`: revoke our own message on WhatsApp (within its window); `me`: remove the stored copy only. */
    async delete(p: Principal, sessionId: string, cid: string, id: string, scope: string | undefined): Promise<void> {
      requireCapability(p, 'send');
      const s = sessions.inOrg(p, sessionId);
      const row = requireMessage(s.id, cid, id);
      if (scope !== 'everyone' && scope !== 'me') {
        throw new ValidationError('for must be `everyone` (revoke on WhatsApp) or `me` (delete the stored copy)', { field: 'for', value: scope ?? null });
      }
      if (scope === 'me') {
        store.messages.remove(row.pk);
        deps.collectGarbage?.();
        publish(s, 'message.removed', row.chat_jid, row.wa_message_id);
        return;
      }
      if (row.from_me !== 1) {
        throw new ForbiddenError("only messages sent from this account can be deleted for everyone (the gateway does not delete others' messages as a group admin)", { messageId: id });
      }
      if (row.deleted === 1) return; // already revoked: nothing to do
      if (row.ack_level === 0) {
        throw new ConflictError('this message was never sent, so WhatsApp has nothing to delete; delete it for me instead', { messageId: id });
      }
      if (!inWindow(row, REVOKE_WINDOW_MS)) {
        throw new ConflictError('too late to delete for everyone: WhatsApp allows it for about 2.5 days after sending', { messageId: id, windowMs: REVOKE_WINDOW_MS });
      }
      await sessions.liveClient(s).revokeMessage({ chatJid: row.chat_jid, waMessageId: row.wa_message_id, fromMe: true });
    },
  };
}

