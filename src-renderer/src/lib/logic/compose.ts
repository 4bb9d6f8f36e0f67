/**
 * Pure rules of the composer and the message actions: which kind a file is sent as, the size limits checked
 * before an upload, readable words for send errors, reactions of our own, poll and location input checks.
 */
import type { Message, ReactionInfo, SendResult, Session } from '../api/types.js';
import type { OutgoingFileKind } from '../api/client.js';
import { ApiError, describeError } from '../api/errors.js';
import { formatBytes, jidUser } from './format.js';

/**
 * The largest file the gateway accepts in one message (its 413 limit, API.md "Sending and acting on messages:
 * the details": 64 MiB of media per message, every kind); a file over it is refused before any byte is sent.
 */
export const MAX_SEND_BYTES = 64 * 1024 * 1024;

/** The quick reactions offered on a message (WhatsApp's default row). */
export const QUICK_REACTIONS = ['👍', '❤️', '😂', '😮', '😢', '🙏'] as const;

export const POLL_MIN_OPTIONS = 2;
export const POLL_MAX_OPTIONS = 12;

/** How a file is sent: photos, videos and audio as such (WhatsApp can show them), everything else a document. */
export function fileKindOf(mimetype: string): OutgoingFileKind {
  const type = mimetype.toLowerCase();
  // WhatsApp shows only these as photos; SVG, HEIC, TIFF... travel as documents.
  if (type === 'image/jpeg' || type === 'image/png' || type === 'image/webp' || type === 'image/gif') return 'image';
  if (type === 'video/mp4' || type === 'video/3gpp' || type === 'video/quicktime') return 'video';
  if (type.startsWith('audio/')) return 'audio';
  return 'document';
}

/** Null when the file may be sent, else the sentence saying why not (before uploading anything). */
export function oversizeReason(file: { name: string; size: number }): string | null {
  if (file.size <= MAX_SEND_BYTES) return null;
  return `${file.name} is ${formatBytes(file.size)}: files can be at most ${formatBytes(MAX_SEND_BYTES)}.`;
}

/**
 * Words for a failed send. The gateway stores WhatsApp's reason; when all it has is WhatsApp's bare error
 * number (e.g. "463"), say what happened instead of showing the number alone.
 */
export function readableSendError(error: string | null | undefined): string | null {
  if (error === null || error === undefined) return null;
  const text = error.trim();
  if (text === '' || text === 'error') return 'Not sent: WhatsApp did not accept this message.';
  if (/^\d+$/.test(text)) return `Not sent: WhatsApp refused this message (error ${text}).`;
  return text;
}

/** Whether a message failed to send (our own, with an error or status `error`). */
export function isFailedSend(message: Pick<Message, 'fromMe' | 'error' | 'status' | 'ackLevel'>): boolean {
  return message.fromMe && (message.error !== null || message.status === 'error');
}

/** Our own reaction among a message's reactions (by our user parts), or null. */
export function ownReaction(reactions: readonly ReactionInfo[], selfUsers: readonly string[]): string | null {
  if (selfUsers.length === 0) return null;
  for (let i = reactions.length - 1; i >= 0; i--) {
    const r = reactions[i]!;
    const users = [r.senderJid, r.senderLid].filter((j): j is string => !!j).map(jidUser);
    if (users.some((u) => selfUsers.includes(u))) return r.emoji || null;
  }
  return null;
}

/** The emoji to send when `emoji` is picked: picking the reaction we already gave removes it (""). */
export function reactionToSend(picked: string, current: string | null): string {
  return current === picked ? '' : picked;
}

/** Our own text messages can be edited (not media captions in v1, not deleted or failed ones). */
export function canEdit(message: Pick<Message, 'fromMe' | 'type' | 'deleted' | 'error'>): boolean {
  return message.fromMe && message.type === 'text' && !message.deleted && message.error === null;
}

/** Null when the poll can be sent, else what is missing. */
export function pollProblem(question: string, options: readonly string[]): string | null {
  if (question.trim() === '') return 'The poll needs a question.';
  const filled = options.map((o) => o.trim()).filter((o) => o !== '');
  if (filled.length < POLL_MIN_OPTIONS) return `A poll needs at least ${POLL_MIN_OPTIONS} options.`;
  if (filled.length > POLL_MAX_OPTIONS) return `A poll has at most ${POLL_MAX_OPTIONS} options.`;
  if (new Set(filled).size !== filled.length) return 'Two options are the same.';
  return null;
}

/** Parses a latitude/longitude pair typed by a person; null when out of range or not numbers. */
export function parseCoordinates(latitude: string, longitude: string): { latitude: number; longitude: number } | null {
  const lat = Number(latitude.trim().replace(',', '.'));
  const lon = Number(longitude.trim().replace(',', '.'));
  if (latitude.trim() === '' || longitude.trim() === '' || !Number.isFinite(lat) || !Number.isFinite(lon)) return null;
  if (lat < -90 || lat > 90 || lon < -180 || lon > 180) return null;
  return { latitude: lat, longitude: lon };
}

/** One line describing a message for a quote preview (reply) or the forward dialog. */
export function messagePreview(message: Pick<Message, 'body' | 'type' | 'deleted' | 'media'>): string {
  if (message.deleted) return 'This message was deleted';
  const body = message.body.trim();
  if (body) return body.length > 140 ? `${body.slice(0, 140)}…` : body;
  if (message.media?.filename) return message.media.filename;
  const words: Record<string, string> = {
    image: 'Photo', video: 'Video', audio: 'Audio', document: 'Document', sticker: 'Sticker',
    location: 'Location', contact: 'Contact card', poll: 'Poll',
  };
  return words[message.type] ?? 'Message';
}

/**
 * An API failure in words for a person. The gateway's messages are sentences already; a few statuses get a
 * sentence of their own when the gateway gave none (a proxy's bare 413, a network error).
 */
export function readableActionError(error: unknown): string {
  if (error instanceof ApiError) {
    const generic = /^Request failed \(\d+/.test(error.message);
    if (error.status === 413 && generic) return 'The file is larger than the gateway accepts.';
    if (error.status === 409 && generic) return 'WhatsApp no longer allows this change (too late).';
    if (error.status === 403 && generic) return 'Only your own messages can be changed.';
    if (error.status === 501) return 'Sending needs a live connection: start this session to send.';
    return error.message;
  }
  return describeError(error);
}

/**
 * The bubble shown for something we just sent, until the stored copy (same id) arrives by realtime: ours,
 * pending (or sent, if the gateway said so), with the fields of what was sent.
 */
export function pendingMessage(
  session: Pick<Session, 'id' | 'waJid' | 'waLid'>,
  chatJid: string,
  result: SendResult,
  fields: Partial<Message>,
  now: number = Date.now(),
): Message {
  return {
    sessionId: session.id,
    chatJid,
    direction: 'out',
    fromMe: true,
    senderJid: session.waJid,
    senderLid: session.waLid,
    senderName: null,
    type: 'text',
    body: '',
    hasMedia: false,
    media: null,
    mentions: [],
    mentionNames: {},
    quotedMessageId: null,
    createdAt: now,
    edited: false,
    deleted: false,
    ...fields,
    id: result.waMessageId,
    waMessageId: result.waMessageId,
    timestamp: result.timestamp || now,
    ackLevel: result.status === 'sent' ? 2 : 1,
    status: result.status ?? 'pending',
    error: null,
  };
}
