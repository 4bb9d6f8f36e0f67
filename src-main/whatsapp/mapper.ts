/**
 * The one mapper from Baileys' WebMessageInfo to the gateway's MessageRecord (BAILEYS.md "Deriving stored
 * fields"). Every adapter (real socket, sandbox, history sync, benchmarks) goes through mapMessage, so a
 * message looks the same whichever way it arrived.
 *
 * Rules of this module: it never throws on odd input (it returns null for anything that is not a message
 * worth a row), it touches no database (lookups come through MapperContext, which ingestion backs with
 * cached prepared statements), and it does the least work per message it can: history sync pushes
 * hundreds of thousands of messages through here.
 */
import { personLabel } from '../core/names.js';
import {
  proto,
  type WAMessage,
  type WAMessageKey,
} from '@whiskeysockets/baileys';
import type { MessageRecord, MessageType } from '../core/types.js';
import {
  canonicalChatJid,
  chatKind,
  isLidJid,
  isMe,
  isPhoneJid,
  type JidResolver,
  jidUserPart,
  normalizeJid,
} from '../core/jid.js';
import { describeContent, str, wasEdited, type ContentDescription } from './content.js';
import { errorText, receiptLevel, statusOf, stringParams, stubTypeOf, toMillis } from './proto-values.js';
import { writeRawMessage } from './raw-message.js';
import { describeStub } from './stubs.js';
import { contentKind, unwrapContent } from './unwrap.js';

// The mapper's parts, for its callers (ingestion, tests): one import site for everything about a payload.
export { describeContent, editedBody, protocolAction, reactionRemoval, type ContentDescription, type ProtocolAction } from './content.js';
export { errorText, receiptLevel, statusOf, stubTypeOf, toMillis, toNum } from './proto-values.js';
export { describeStub } from './stubs.js';

/** The lookups the mapper needs; ingestion backs them with per-session caches over the repositories. */
export interface MapperContext extends JidResolver {
  /** LID for a phone-number JID, when the mapping is known. */
  resolveLid(pn: string): string | undefined;
  /** Best display name of a contact (saved name, push name, verified name), either JID form. */
  displayName(jid: string): string | null | undefined;
  /** Fallback clock (epoch ms) for a message that carries no timestamp. */
  now?(): number;
}

const StubType = proto.WebMessageInfo.StubType;
const Status = proto.WebMessageInfo.Status;

// ---------------------------------------------------------------------------------------------------------
// The message

function senderOf(
  key: WAMessageKey,
  m: WAMessage,
  chat: string,
  kind: 'dm' | 'group' | 'channel',
  ctx: MapperContext,
): { senderJid: string | null; senderLid: string | null } {
  if (key.fromMe) {
    if (ctx.me) return { senderJid: ctx.me.jid, senderLid: ctx.me.lid };
  }
  let a: string | null = null;
  let b: string | null = null;
  if (kind === 'group') {
    a = normalizeJid(key.participant ?? m.participant);
    b = normalizeJid(key.participantAlt);
  } else if (kind === 'dm') {
    if (key.fromMe) return { senderJid: null, senderLid: null };
    a = normalizeJid(key.remoteJid);
    b = normalizeJid(key.remoteJidAlt);
    if (b && isMe(b, ctx.me) && !isMe(a, ctx.me)) b = null;
    if (!b && a !== chat) b = chat;
  } else {
    a = normalizeJid(key.participant);
  }
  let pn = a && isPhoneJid(a) ? a : b && isPhoneJid(b) ? b : null;
  let lid = a && isLidJid(a) ? a : b && isLidJid(b) ? b : null;
  if (!pn && lid) pn = ctx.resolvePn(lid) ?? null;
  else if (pn && !lid) lid = ctx.resolveLid(pn) ?? null;
  return { senderJid: pn, senderLid: lid };
}

/**
 * Maps one WebMessageInfo to the record ingestion stores, or null when it is not a message worth a row
 * (protocol messages, poll votes, reaction removals, status broadcasts, malformed payloads). Never throws.
 */
export function mapMessage(m: WAMessage, ctx: MapperContext): MessageRecord | null {
  try {
    return mapUnsafe(m, ctx);
  } catch {
    return null;
  }
}

function mapUnsafe(m: WAMessage, ctx: MapperContext): MessageRecord | null {
  if (!m || typeof m !== 'object') return null;
  const key = m.key as WAMessageKey | null | undefined;
  const id = key?.id;
  if (!key || typeof id !== 'string' || id.length === 0) return null;
  const chatJid = canonicalChatJid(key, ctx);
  if (!chatJid) return null;
  const kind = chatKind(chatJid)!;
  const fromMe = key.fromMe === true;

  const stub = stubTypeOf(m);
  const content = m.message ? unwrapContent(m.message) : undefined;
  let described: ContentDescription | null = null;
  let placeholder = false;
  let deleted = false;
  let error: string | null = null;
  let type: MessageType;
  let body: string;

  if (stub === StubType.CIPHERTEXT) {
    // Could not be decrypted (yet): a placeholder the real content replaces when it arrives.
    placeholder = true;
    type = 'unknown';
    body = '';
    error = stringParams(m)[0] ?? null;
  } else if ((stub === StubType.REVOKE || stub === StubType.ADMIN_REVOKE) && !content) {
    // A revoke folded into its message (content already gone).
    deleted = true;
    type = 'unknown';
    body = '';
  } else if (content && contentKind(content)) {
    described = describeContent(content);
    if (!described) return null;
    if (described.type === 'reaction' && !described.body) return null;
    type = described.type;
    body = described.body;
    if (stub === StubType.REVOKE || stub === StubType.ADMIN_REVOKE) deleted = true;
  } else if (stub !== null) {
    type = 'system';
    body = '';
  } else {
    return null;
  }

  const { senderJid, senderLid } = senderOf(key, m, chatJid, kind, ctx);
  const pushName = str(m.pushName) || str(m.verifiedBizName);
  const sender = senderJid ?? senderLid;
  let senderName = pushName;
  if (!senderName && sender && !fromMe) senderName = ctx.displayName(sender) ?? null;

  if (type === 'system' && (!described || described.senderLine)) {
    // Never a bare LID (core/names.ts): the number when the sender is known by phone, else "Unknown contact".
    const actor = fromMe ? 'You' : senderName || (sender ? personLabel({ phone: senderJid }) : 'Someone');
    body = described ? `${actor} mentioned this group in their status` : describeStub(stub!, stringParams(m), actor, ctx);
  }

  // Mentions and quotes live in the inner message's contextInfo.
  const contextInfo = described?.contextInfo ?? null;
  let mentions: string[] = [];
  let mentionNames: Record<string, string> = {};
  let quotedMessageId: string | null = described?.reactionTo ?? null;
  if (contextInfo) {
    if (!quotedMessageId) quotedMessageId = str(contextInfo.stanzaId) || null;
    const mentioned = contextInfo.mentionedJid;
    if (Array.isArray(mentioned) && mentioned.length) {
      mentions = mentioned.filter((j): j is string => typeof j === 'string' && j.length > 0);
      if (mentions.length) {
        mentionNames = {};
        for (const jid of mentions) {
          const n = normalizeJid(jid);
          const name = n ? (isMe(n, ctx.me) ? null : ctx.displayName(n)) : null;
          if (name) mentionNames[jidUserPart(n!)] = name;
        }
      }
    }
  }

  // Ack: as reported; default DELIVERY_ACK for what we received, SERVER_ACK for our own (it came back from
  // WhatsApp, so the server has it). Receipts folded into the message (groups) can only raise it.
  let ackLevel = statusOf(m.status);
  if (ackLevel === null) ackLevel = fromMe ? Status.SERVER_ACK : Status.DELIVERY_ACK;
  if (ackLevel === Status.ERROR) {
    error = error ?? errorText(m.messageStubParameters);
  } else if (fromMe && Array.isArray(m.userReceipt) && m.userReceipt.length) {
    for (const r of m.userReceipt) {
      const level = receiptLevel(r);
      if (level > ackLevel) ackLevel = level;
    }
  }

  let timestamp = toMillis(m.messageTimestamp);
  if (timestamp === 0) timestamp = ctx.now ? ctx.now() : Date.now();

  return {
    waMessageId: id,
    chatJid,
    fromMe,
    senderJid,
    senderLid,
    senderName: senderName || null,
    type,
    body,
    media: described?.media ?? null,
    mentions,
    mentionNames,
    quotedMessageId,
    timestamp,
    ackLevel,
    error,
    edited: wasEdited(m.message),
    deleted,
    placeholder,
    ...(described?.searchText ? { searchText: described.searchText } : {}),
    raw: writeRawMessage(m),
  };
}
