/**
 * What the adapter sends, before it touches the socket: input checks of the outgoing actions, the pending row of
 * a text message (stored before sending), the stored message a reply quotes, our account identity, and the
 * channel a newsletter answer describes.
 */
import type { Contact, NewsletterMetadata, WAMessage, WAMessageKey } from '@whiskeysockets/baileys';
import { NotFoundError, ValidationError } from '../../core/errors.js';
import { isChannelJid, isChatJid, isGroupJid, isLidJid, isPhoneJid, jidUser, normalizeJid, phoneJid } from '../../core/jid.js';
import type { MessageRecord } from '../../core/types.js';
import type { AccountIdentity, ChannelInfo, OutgoingText } from '../../core/whatsapp-port.js';
import type { Store } from '../../store/index.js';
import type { MessageRow } from '../../store/repositories/messages.js';
import { readRawMessage } from '../raw-message.js';

export const MAX_TEXT_LENGTH = 65_536;
export const MAX_CHANNEL_NAME_LENGTH = 100;
export const MAX_CHANNEL_DESCRIPTION_LENGTH = 2_048;

/** Our account as the API shows it: phone JID without device, LID without device, phone digits. */
export function accountIdentity(user: Contact | null | undefined): AccountIdentity | null {
  if (!user?.id) return null;
  const forms = [user.id, user.phoneNumber, user.lid]
    .filter((j): j is string => typeof j === 'string' && j !== '')
    .map((j) => (/^[0-9]+$/.test(j) ? phoneJid(j) : normaliseJid(j)));
  const pn = forms.find(isPhoneJid);
  const lid = forms.find(isLidJid) ?? null;
  const jid = pn ?? normaliseJid(user.id);
  return { jid, lid, phoneNumber: pn ? jidUser(pn) : '' };
}

const normaliseJid = (jid: string): string => normalizeJid(jid) ?? jid;

export function channelInfo(meta: NewsletterMetadata, name: string, description: string | undefined): ChannelInfo | null {
  const raw = meta as NewsletterMetadata & { thread_metadata?: Record<string, unknown> };
  const jid = typeof raw?.id === 'string' ? raw.id : null;
  if (!jid || !isChannelJid(jid)) return null;
  const thread = raw.thread_metadata ?? {};
  const textOf = (v: unknown): string | null => {
    if (typeof v === 'string') return v;
    const t = (v as { text?: unknown } | null)?.text;
    return typeof t === 'string' ? t : null;
  };
  const subscribers = Number(raw.subscribers);
  const created = Number(raw.creation_time ?? thread.creation_time);
  return {
    jid,
    name: textOf(raw.name) ?? textOf(thread.name) ?? name,
    description: textOf(raw.description) ?? textOf(thread.description) ?? description ?? null,
    invite: typeof raw.invite === 'string' && raw.invite ? raw.invite : null,
    subscribers: Number.isFinite(subscribers) && raw.subscribers !== undefined ? subscribers : null,
    // WhatsApp gives seconds; the API speaks milliseconds.
    createdAt: Number.isFinite(created) && created > 0 ? (created < 1e12 ? created * 1000 : created) : null,
  };
}

/** Checks a text send's input; throws ValidationError naming the field. */
export function checkOutgoingText(message: OutgoingText): void {
  const { to, text, replyTo } = message;
  const mentions = message.mentions ?? [];
  if (typeof to !== 'string' || !isChatJid(to)) {
    throw new ValidationError('to must be a chat JID (...@s.whatsapp.net, ...@lid or ...@g.us)', { field: 'to' });
  }
  if (typeof text !== 'string' || text.trim() === '') {
    throw new ValidationError('text must be a non-empty string', { field: 'text' });
  }
  if (text.length > MAX_TEXT_LENGTH) {
    throw new ValidationError(`text is longer than ${MAX_TEXT_LENGTH} characters`, { field: 'text' });
  }
  if (!Array.isArray(mentions) || mentions.some((m) => typeof m !== 'string' || !isChatJid(m) || isGroupJid(m))) {
    throw new ValidationError('mentions must be a list of person JIDs', { field: 'mentions' });
  }
  if (replyTo !== undefined && (typeof replyTo !== 'string' || replyTo === '')) {
    throw new ValidationError('replyTo must be a message id', { field: 'replyTo' });
  }
}

/** Checks a new channel's name and description; throws ValidationError naming the field. */
export function checkChannelInput(name: string, description: string | undefined): void {
  if (typeof name !== 'string' || name.trim() === '' || name.length > MAX_CHANNEL_NAME_LENGTH) {
    throw new ValidationError(`name must be 1 to ${MAX_CHANNEL_NAME_LENGTH} characters`, { field: 'name' });
  }
  if (
    description !== undefined &&
    (typeof description !== 'string' || description.length > MAX_CHANNEL_DESCRIPTION_LENGTH)
  ) {
    throw new ValidationError(`description must be at most ${MAX_CHANNEL_DESCRIPTION_LENGTH} characters`, {
      field: 'description',
    });
  }
}

export interface PendingText {
  waMessageId: string;
  chatJid: string;
  me: AccountIdentity | null;
  pushName: string | null;
  text: string;
  mentions: string[];
  mentionNames: Record<string, string>;
  replyTo: string | null;
  timestamp: number;
}

/** The row of a text we are about to send: pending, ours, no raw payload until Baileys returns it. */
export function pendingTextRecord(p: PendingText): MessageRecord {
  return {
    waMessageId: p.waMessageId,
    chatJid: p.chatJid,
    fromMe: true,
    senderJid: p.me?.jid || null,
    senderLid: p.me?.lid ?? null,
    senderName: p.pushName,
    type: 'text',
    body: p.text,
    media: null,
    mentions: p.mentions,
    mentionNames: p.mentionNames,
    quotedMessageId: p.replyTo,
    timestamp: p.timestamp,
    ackLevel: 1, // WAMessageStatus.PENDING
    error: null,
    edited: false,
    deleted: false,
    placeholder: false,
    raw: null,
  };
}

/** The stored raw message being replied to, revived as Baileys expects (key + content). */
export function quotedMessage(store: Store, sessionId: string, replyTo: string): WAMessage {
  const raw = store.messages.raw(sessionId, replyTo);
  if (!raw) {
    throw new NotFoundError('the message to reply to is not stored in this session', { replyTo });
  }
  let quoted: WAMessage | null;
  try {
    quoted = readRawMessage(raw);
  } catch {
    throw new NotFoundError('the stored copy of the message to reply to is unreadable', { replyTo });
  }
  if (!quoted) {
    throw new ValidationError('the message to reply to has no content (it may have been deleted)', {
      field: 'replyTo',
    });
  }
  return quoted;
}

/**
 * The chat a conversation is stored under - the same rule ingestion applies to the echo (mapper.canonicalJid):
 * a person in phone form when the LID mapping is known (our own LID -> our own phone JID), else as given.
 */
export function storedChatJid(store: Store, sessionId: string, jid: string, me: AccountIdentity | null): string {
  if (!isLidJid(jid)) return jid;
  if (me && me.lid === jid && me.jid) return me.jid;
  return store.lidMappings.pnForLid(sessionId, jid) ?? jid;
}

/** Display names of the mentioned people, keyed by their number as the message text writes them (@123...). */
export function mentionNames(store: Store, sessionId: string, mentions: string[]): Record<string, string> {
  const names: Record<string, string> = {};
  for (const jid of mentions) {
    const name = store.contacts.displayName(sessionId, jid);
    if (name) names[jidUser(jid)] = name;
  }
  return names;
}

/** The key WhatsApp knows a stored message by: its stored payload's key, else one built from the row. */
export function storedKey(store: Store, sessionId: string, row: Pick<MessageRow, 'wa_message_id' | 'chat_jid' | 'from_me' | 'sender_jid' | 'sender_lid'>, remoteJid?: string): WAMessageKey {
  const raw = store.messages.raw(sessionId, row.wa_message_id);
  if (raw) {
    try {
      const m = readRawMessage(raw);
      if (m?.key?.id === row.wa_message_id && m.key.remoteJid) return m.key;
    } catch {
      // an unreadable payload: build the key from the row
    }
  }
  const jid = remoteJid ?? row.chat_jid;
  const key: WAMessageKey = { remoteJid: jid, fromMe: row.from_me === 1, id: row.wa_message_id };
  if (isGroupJid(jid) && row.from_me !== 1) key.participant = row.sender_lid ?? row.sender_jid ?? undefined;
  return key;
}
