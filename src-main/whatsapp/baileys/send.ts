/**
 * Sending every kind of message through a socket (issue 13), and the other live actions on stored messages
 * (edit, revoke, read receipts). The adapter (adapter.ts) owns the connection and calls these with its open
 * socket; everything here is the same for real WhatsApp and the sandbox.
 *
 * A send is: input checks -> the stored things it names (the quoted message, a reaction's target, the message
 * to forward) -> the pending row, stored BEFORE sending (so it exists even if the app dies mid-send, and the
 * echoed 'append' upsert finds it instead of inserting a second row) with a provisional payload that already
 * shows what was sent (location, poll, media dimensions once known), the file of a media send (already in the
 * media store) recorded as done, and the request itself (store/repositories/outbox.ts, for retries) ->
 * sock.sendMessage with Baileys' own content shapes -> the real payload Baileys generated replaces the
 * provisional one. A failure is stored on the row (status error, a readable text) and thrown.
 *
 * Size (~410 lines): the content shapes of six kinds and their stored rows belong together; edits, revokes and
 * read receipts are in actions.ts, failure texts in failures.ts and ../send-errors.ts.
 */
import {
  generateMessageIDV2,
  proto,
  type AnyMessageContent,
  type MiscMessageGenerationOptions,
  type WAMessage,
} from '@whiskeysockets/baileys';
import type { Logger } from 'pino';
import { AppError, ConflictError, NotFoundError, UpstreamError, ValidationError } from '../../core/errors.js';
import { messageStatusPayload } from '../../core/event-payloads.js';
import type { EventPayloads, RealtimeEventName } from '../../core/events.js';
import { isChatJid, isGroupJid } from '../../core/jid.js';
import { ackStatus, type Message, type MessageRecord } from '../../core/types.js';
import type {
  AccountIdentity,
  OutgoingMessage,
  SendOptions,
  SendResult,
} from '../../core/whatsapp-port.js';
import type { Store } from '../../store/index.js';
import { rowToMessage, type MessageRow } from '../../store/repositories/messages.js';
import type { OutboxSpec } from '../../store/repositories/outbox.js';
import { describeContent } from '../content.js';
import { readPayloadDetails } from '../message-details.js';
import { readRawMessage, writeRawMessage } from '../raw-message.js';
import type { SocketLike } from '../socket.js';
import { sendFailure, withTimeout } from './failures.js';
import { accountIdentity, checkOutgoingText, mentionNames, quotedMessage, storedChatJid, storedKey } from './outgoing.js';

/** WhatsApp lets the author edit a message for 15 minutes after sending it (its "Edit" menu disappears then). */
export const EDIT_WINDOW_MS = 15 * 60 * 1000;
/**
 * "Delete for everyone" is offered for about two and a half days after sending (WhatsApp raised it from about
 * an hour to 2 days and 12 hours in 2022); later revokes are ignored by the recipients' phones.
 */
export const REVOKE_WINDOW_MS = 60 * 60 * 60 * 1000;
/** How long a send may take before we call it failed (a media upload of the largest allowed file included). */
export const SEND_TIMEOUT_MS = 120_000;

export const MAX_CAPTION_LENGTH = 65_536;
/** type/subtype with optional parameters (`audio/ogg; codecs=opus`). */
const MIMETYPE = /^[\w.+-]+\/[\w.+-]+(\s*;\s*[\w.+-]+=[\w.+"-]+)*$/;
export const MAX_POLL_NAME_LENGTH = 255;
export const MAX_POLL_OPTION_LENGTH = 100;
export const MAX_EMOJI_LENGTH = 16;

export interface SendContext {
  store: Store;
  sessionId: string;
  now: () => number;
  log: Logger;
  publish<E extends RealtimeEventName>(event: E, payload: EventPayloads[E]): void;
}

const MEDIA_FIELD = {
  image: 'imageMessage',
  video: 'videoMessage',
  audio: 'audioMessage',
  document: 'documentMessage',
  sticker: 'stickerMessage',
} as const;

// ---- input checks --------------------------------------------------------------------------------------------

const bad = (field: string, message: string) => new ValidationError(message, { field });

/** Checks any send's input (the API checked it too; the adapter must be safe on its own). */
export function checkOutgoing(m: OutgoingMessage): void {
  if (m.type === 'text') {
    checkOutgoingText(m);
    return;
  }
  if (typeof m.to !== 'string' || !isChatJid(m.to)) {
    throw bad('to', 'to must be a chat JID (...@s.whatsapp.net, ...@lid or ...@g.us)');
  }
  switch (m.type) {
    case 'image':
    case 'video':
    case 'audio':
    case 'document':
    case 'sticker':
      if (!Buffer.isBuffer(m.data) || m.data.length === 0) throw bad('data', 'the file is empty');
      if (typeof m.mimetype !== 'string' || !MIMETYPE.test(m.mimetype)) throw bad('mimetype', 'mimetype is not a media type');
      if (m.caption !== undefined && (typeof m.caption !== 'string' || m.caption.length > MAX_CAPTION_LENGTH)) {
        throw bad('caption', `caption must be at most ${MAX_CAPTION_LENGTH} characters`);
      }
      return;
    case 'location':
      if (!Number.isFinite(m.latitude) || Math.abs(m.latitude) > 90) throw bad('latitude', 'latitude must be -90..90');
      if (!Number.isFinite(m.longitude) || Math.abs(m.longitude) > 180) throw bad('longitude', 'longitude must be -180..180');
      return;
    case 'poll': {
      if (typeof m.name !== 'string' || m.name.trim() === '' || m.name.length > MAX_POLL_NAME_LENGTH) {
        throw bad('name', `name must be 1 to ${MAX_POLL_NAME_LENGTH} characters`);
      }
      const options = Array.isArray(m.options) ? m.options : [];
      if (options.length < 2 || options.length > 12) throw bad('options', 'a poll has 2 to 12 options');
      if (options.some((o) => typeof o !== 'string' || o.trim() === '' || o.length > MAX_POLL_OPTION_LENGTH)) {
        throw bad('options', `each option must be 1 to ${MAX_POLL_OPTION_LENGTH} characters`);
      }
      if (new Set(options).size !== options.length) throw bad('options', 'poll options must be different from each other');
      if (!Number.isInteger(m.selectableCount) || m.selectableCount < 0 || m.selectableCount > options.length) {
        throw bad('selectableCount', `selectableCount must be 0 (any number) to ${options.length}`);
      }
      return;
    }
    case 'reaction':
      if (typeof m.messageId !== 'string' || m.messageId === '') throw bad('messageId', 'messageId must be a message id');
      if (typeof m.emoji !== 'string' || m.emoji.length > MAX_EMOJI_LENGTH) throw bad('emoji', `emoji must be at most ${MAX_EMOJI_LENGTH} characters`);
      return;
    case 'forward':
      if (typeof m.messageId !== 'string' || m.messageId === '') throw bad('messageId', 'messageId must be a message id');
      if (typeof m.fromChat !== 'string' || !isChatJid(m.fromChat)) throw bad('fromChat', 'fromChat must be a chat JID');
      return;
  }
}

// ---- what a send names ------------------------------------------------------------------------------------------

/** A stored message of a chat (the phone form of a LID chat too), else 404 naming the field. */
function storedIn(store: Store, sessionId: string, chatJid: string, id: string, field: string): MessageRow {
  const row = store.messages.find(sessionId, chatJid, id);
  if (!row) throw new NotFoundError(`the message named by ${field} is not stored in this chat`, { [field]: id, chatJid });
  return row;
}

interface Plan {
  /** What Baileys' sendMessage is given. */
  content: AnyMessageContent;
  /** The content as WhatsApp's proto shows it, before sending (the provisional payload); null: nothing stored. */
  preview: proto.IMessage | null;
  quoted?: WAMessage | undefined;
  /** A reaction's target, or the message forwarded. */
  target?: MessageRow | undefined;
  spec: OutboxSpec;
}

function plan(ctx: SendContext, m: OutgoingMessage, chatJid: string): Plan {
  const { store, sessionId } = ctx;
  const replyTo = 'replyTo' in m ? m.replyTo : undefined;
  const quoted = replyTo ? quotedMessage(store, sessionId, replyTo) : undefined;
  const contextInfo = quoted ? { stanzaId: quoted.key.id, participant: quoted.key.participant ?? quoted.key.remoteJid, quotedMessage: quoted.message } : undefined;
  switch (m.type) {
    case 'text': {
      const mentions = m.mentions ?? [];
      return {
        content: mentions.length ? { text: m.text, mentions } : { text: m.text },
        preview: { extendedTextMessage: { text: m.text, contextInfo: { ...contextInfo, mentionedJid: mentions } } },
        quoted,
        spec: { type: 'text', to: m.to, text: m.text, replyTo: m.replyTo, mentions: m.mentions },
      };
    }
    case 'image':
    case 'video':
    case 'audio':
    case 'document':
    case 'sticker': {
      const caption = m.type === 'audio' || m.type === 'sticker' ? undefined : m.caption || undefined;
      const fileName = m.filename || undefined;
      let content: AnyMessageContent;
      if (m.type === 'image') content = { image: m.data, mimetype: m.mimetype, ...(caption ? { caption } : {}) };
      else if (m.type === 'video') content = { video: m.data, mimetype: m.mimetype, ...(caption ? { caption } : {}) };
      else if (m.type === 'audio') content = { audio: m.data, mimetype: m.mimetype, ptt: m.ptt === true };
      else if (m.type === 'sticker') content = { sticker: m.data, mimetype: m.mimetype };
      else content = { document: m.data, mimetype: m.mimetype, fileName: fileName ?? 'file', ...(caption ? { caption } : {}) };
      const inner: Record<string, unknown> = { mimetype: m.mimetype, fileLength: m.data.length, contextInfo };
      if (caption) inner.caption = caption;
      if (m.type === 'document' || fileName) inner.fileName = fileName ?? (m.type === 'document' ? 'file' : undefined);
      if (m.type === 'audio') inner.ptt = m.ptt === true;
      return {
        content,
        preview: { [MEDIA_FIELD[m.type]]: inner } as proto.IMessage,
        quoted,
        spec: { type: m.type, to: m.to, sha256: m.sha256, mimetype: m.mimetype, filename: m.filename, caption, ptt: m.ptt, replyTo: m.replyTo },
      };
    }
    case 'location': {
      const location = {
        degreesLatitude: m.latitude,
        degreesLongitude: m.longitude,
        ...(m.name ? { name: m.name } : {}),
        ...(m.address ? { address: m.address } : {}),
      };
      return {
        content: { location },
        preview: { locationMessage: { ...location, contextInfo } },
        quoted,
        spec: { type: 'location', to: m.to, latitude: m.latitude, longitude: m.longitude, name: m.name, address: m.address, replyTo: m.replyTo },
      };
    }
    case 'poll': {
      const poll = { name: m.name, options: m.options.map((optionName) => ({ optionName })), selectableOptionsCount: m.selectableCount };
      // Baileys picks the proto field the same way: V3 for single choice, the plain one for several.
      const preview = m.selectableCount === 1 ? { pollCreationMessageV3: poll } : { pollCreationMessage: poll };
      return {
        content: { poll: { name: m.name, values: m.options, selectableCount: m.selectableCount } },
        preview,
        spec: { type: 'poll', to: m.to, name: m.name, options: m.options, selectableCount: m.selectableCount },
      };
    }
    case 'reaction': {
      const target = storedIn(store, sessionId, chatJid, m.messageId, 'messageId');
      const key = storedKey(store, sessionId, target, m.to);
      const preview = m.emoji ? { reactionMessage: { key, text: m.emoji, senderTimestampMs: ctx.now() } } : null;
      return { content: { react: { text: m.emoji, key } }, preview, target, spec: { type: 'reaction', to: m.to, messageId: m.messageId, emoji: m.emoji } };
    }
    case 'forward': {
      const fromChat = storedChatJid(store, sessionId, m.fromChat, null);
      const target = storedIn(store, sessionId, fromChat, m.messageId, 'messageId');
      if (target.deleted === 1) throw new ConflictError('a deleted message cannot be forwarded', { messageId: m.messageId });
      const raw = store.messages.raw(sessionId, m.messageId);
      let original: WAMessage | null = null;
      try {
        original = raw ? readRawMessage(raw) : null;
      } catch {
        original = null;
      }
      if (!original?.message) {
        throw new ConflictError('the stored copy of this message has no content WhatsApp could forward', { messageId: m.messageId });
      }
      return {
        content: { forward: original },
        preview: original.message,
        target,
        spec: { type: 'forward', to: m.to, messageId: m.messageId, fromChat: m.fromChat },
      };
    }
  }
}

// ---- the pending row -------------------------------------------------------------------------------------------

function pendingRecord(ctx: SendContext, p: Plan, m: OutgoingMessage, chatJid: string, waMessageId: string, me: AccountIdentity | null, pushName: string | null, timestamp: number): MessageRecord {
  const described = describeContent(p.preview);
  if (!described) throw new AppError('internal', 'the message to send could not be described');
  const mentions = m.type === 'text' ? (m.mentions ?? []) : [];
  const provisional: WAMessage = {
    key: { remoteJid: m.to, fromMe: true, id: waMessageId },
    message: p.preview,
    messageTimestamp: Math.floor(timestamp / 1000),
    status: proto.WebMessageInfo.Status.PENDING,
  };
  return {
    waMessageId,
    chatJid,
    fromMe: true,
    senderJid: me?.jid || null,
    senderLid: me?.lid ?? null,
    senderName: pushName,
    type: described.type,
    body: described.body,
    media: described.media,
    mentions,
    mentionNames: mentionNames(ctx.store, ctx.sessionId, mentions),
    quotedMessageId: m.type === 'reaction' ? m.messageId : ('replyTo' in m && m.replyTo) || null,
    timestamp,
    ackLevel: 1, // WAMessageStatus.PENDING
    error: null,
    edited: false,
    deleted: false,
    placeholder: false,
    searchText: described.searchText ?? null,
    raw: writeRawMessage(provisional),
  };
}

/** A stored row as the realtime 'message' event shows it: with location/poll/media details and the media state. */
export function announced(store: Store, row: MessageRow): Message {
  const message = rowToMessage(row);
  const raw = store.messages.raw(row.session_id, row.wa_message_id);
  const details = raw ? readPayloadDetails(raw) : {};
  if (message.media) {
    const state = store.media.job(row.pk)?.state ?? 'none';
    message.media = { ...message.media, ...details.media, state };
  }
  if (details.location) message.location = details.location;
  if (details.poll) message.poll = details.poll;
  return message;
}

// ---- sending ----------------------------------------------------------------------------------------------------

export async function sendOutgoing(ctx: SendContext, sock: SocketLike, m: OutgoingMessage, options: SendOptions = {}): Promise<SendResult> {
  const { store, sessionId } = ctx;
  const me = accountIdentity(sock.user);
  const chatJid = storedChatJid(store, sessionId, m.to, me);
  let retry: MessageRow | undefined;
  if (options.retryOf) {
    retry = store.messages.find(sessionId, chatJid, options.retryOf);
    if (!retry) throw new NotFoundError('message not found', { messageId: options.retryOf, chatJid });
    if (retry.from_me !== 1 || retry.ack_level !== 0) throw new ConflictError('only a failed message of ours can be sent again');
  }
  const p = plan(ctx, m, chatJid);
  const waMessageId = retry?.wa_message_id ?? generateMessageIDV2(sock.user?.id);
  const timestamp = retry?.timestamp ?? ctx.now();
  const now = ctx.now();

  let pk: number | null = null;
  if (p.preview) {
    const record = pendingRecord(ctx, p, m, chatJid, waMessageId, me, sock.user?.name ?? null, timestamp);
    pk = store.transaction(() => {
      if (retry) {
        store.messages.setPending(retry.pk);
        store.outbox.attempted(retry.pk, now);
        return retry.pk;
      }
      store.chats.ensure(sessionId, chatJid, isGroupJid(chatJid) ? 'group' : 'dm');
      const inserted = store.messages.insert(sessionId, record, timestamp);
      if (inserted === null) throw new AppError('internal', 'a message with the generated id already exists; try again');
      // A reaction never moves the chat up the list (as in WhatsApp); it replaces our earlier one.
      if (m.type === 'reaction') {
        store.messages.removeReactions(sessionId, { chatJid, targetId: m.messageId, keepId: waMessageId, fromMe: true, senderJid: null, senderLid: null });
      } else {
        store.chats.touch(sessionId, chatJid, timestamp);
      }
      const file = mediaFileOf(store, m, p);
      if (file) store.media.recordSent(inserted, sessionId, file.kind, file, now);
      store.outbox.put(inserted, sessionId, p.spec, now);
      return inserted;
    });
    const row = store.messages.get(pk);
    if (row) {
      if (retry) ctx.publish('message.status', messageStatusPayload(row));
      else ctx.publish('message', announced(store, row));
    }
  } else if (m.type === 'reaction') {
    // Taking our reaction back: nothing to store but the removal; readers fold an empty reaction as "none".
    store.messages.removeReactions(sessionId, { chatJid, targetId: m.messageId, keepId: '', fromMe: true, senderJid: null, senderLid: null });
    ctx.publish('message', removedReaction(sessionId, chatJid, waMessageId, m.messageId, me, timestamp, now));
  }

  const sendOptions: MiscMessageGenerationOptions = { messageId: waMessageId };
  if (p.quoted) sendOptions.quoted = p.quoted;
  let sent: WAMessage | undefined;
  try {
    sent = await withTimeout(sock.sendMessage(m.to, p.content, sendOptions), SEND_TIMEOUT_MS, 'sending the message');
  } catch (e) {
    const err = sendFailure(e);
    if (pk !== null) recordFailure(ctx, pk, err.message);
    throw new UpstreamError(err.message, { ...err.details, waMessageId });
  }
  if (sent && pk !== null) {
    try {
      const raw = writeRawMessage(sent);
      if (raw) store.messages.setRaw(pk, raw);
    } catch (e) {
      // The message went out; only retries and replies to it lose their source.
      ctx.log.error({ err: e, waMessageId }, 'could not store the sent message');
    }
  }
  const row = pk !== null ? store.messages.get(pk) : undefined;
  return { waMessageId, status: ackStatus(row?.ack_level ?? 1), timestamp };
}

function mediaFileOf(store: Store, m: OutgoingMessage, p: Plan): { kind: string; sha256: string; size: number; mimetype: string | null } | null {
  if (m.type === 'image' || m.type === 'video' || m.type === 'audio' || m.type === 'document' || m.type === 'sticker') {
    return { kind: m.type, sha256: m.sha256, size: m.data.length, mimetype: m.mimetype };
  }
  // A forward carries the same media (same url and keys): it shares the original's file when that is stored.
  if (m.type === 'forward' && p.target && p.target.has_media === 1) {
    const job = store.media.job(p.target.pk);
    if (job?.state === 'done' && job.sha256) {
      const size = store.media.file(job.sha256)?.size ?? p.target.media_size ?? 0;
      return { kind: job.kind, sha256: job.sha256, size, mimetype: p.target.media_mimetype };
    }
  }
  return null;
}

function recordFailure(ctx: SendContext, pk: number, error: string): void {
  try {
    ctx.store.messages.setError(pk, error);
    const failed = ctx.store.messages.get(pk);
    if (failed) ctx.publish('message.status', messageStatusPayload(failed));
  } catch (storeErr) {
    ctx.log.error({ err: storeErr }, 'could not record the send error');
  }
}

function removedReaction(sessionId: string, chatJid: string, id: string, targetId: string, me: AccountIdentity | null, timestamp: number, now: number): Message {
  return {
    id,
    waMessageId: id,
    sessionId,
    chatJid,
    direction: 'out',
    fromMe: true,
    senderJid: me?.jid || null,
    senderLid: me?.lid ?? null,
    senderName: null,
    type: 'reaction',
    body: '',
    hasMedia: false,
    media: null,
    mentions: [],
    mentionNames: {},
    quotedMessageId: targetId,
    timestamp,
    createdAt: now,
    ackLevel: 1,
    status: 'pending',
    error: null,
    edited: false,
    deleted: false,
  };
}
