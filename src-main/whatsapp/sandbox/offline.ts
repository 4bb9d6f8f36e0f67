/**
 * What the simulated phone sees that the linked device may not (issue 14, gaps): every message of its chats
 * after pairing (live traffic, our sends, and messages that arrived while the device was away), so a backfill
 * can be answered with them (on-demand.ts), and the device's offline periods.
 *
 * A gap on demand: when an open connection ends and a later one opens only after at least one attempt failed
 * for want of a network (`POST .../sandbox:network {reachable:false}`), the device was away long enough that
 * WhatsApp's server no longer holds what arrived meanwhile (a real server keeps undelivered messages for a
 * linked device only for a while). The sandbox compresses that: the contact of the chat last active writes a
 * few messages during the outage, the phone has them, the reconnected device gets none of them, and only a
 * backfill brings them. Without a failed attempt (a plain reconnect) nothing is missed, as with a real server
 * delivering its queue.
 */
import { proto, type WAMessage } from '@whiskeysockets/baileys';
import type { SandboxAccount, SandboxChat } from './account.js';
import type { LiveStream } from './live.js';

/** Messages written during an outage, in the chat last active. */
export const MISSED_PER_OUTAGE = 3;
/** The phone's memory of messages after pairing (oldest dropped first). */
const MAX_PHONE_MESSAGES = 5_000;

export interface PhoneRecord {
  /** Messages of the account's chats after pairing, in arrival order, the last MAX_PHONE_MESSAGES. */
  messages: WAMessage[];
  /** The chat of the last message sent or received (where an outage's messages go). */
  lastChatJid: string | null;
  /** When the last open connection ended (null while connected, or never connected). */
  offlineSince: number | null;
  /** A connection attempt failed for want of a network since then. */
  failedWhileOffline: boolean;
}

export function newPhoneRecord(): PhoneRecord {
  return { messages: [], lastChatJid: null, offlineSince: null, failedWhileOffline: false };
}

/** The phone saw a message (sent or received): kept for backfills; a decryption placeholder is not a message. */
export function notePhoneMessage(phone: PhoneRecord, message: WAMessage): void {
  const jid = message.key?.remoteJid;
  if (!jid || message.messageStubType === proto.WebMessageInfo.StubType.CIPHERTEXT) return;
  phone.messages.push(message);
  if (phone.messages.length > MAX_PHONE_MESSAGES) phone.messages.splice(0, phone.messages.length - MAX_PHONE_MESSAGES);
  if (!jid.endsWith('@newsletter') && !jid.endsWith('@broadcast')) phone.lastChatJid = jid;
}

function chatOf(account: SandboxAccount, jid: string | null): SandboxChat | undefined {
  if (!jid) return undefined;
  return account.chats.find((c) => c.jid === jid || (c.kind === 'dm' && c.people[0]?.pnJid === jid));
}

/**
 * A connection opens: if the device was away through a network outage, the messages written meanwhile stay
 * on the phone (spread over the outage). Returns what was missed, or null. Resets the offline record.
 */
export function missWhileOffline(
  phone: PhoneRecord,
  account: SandboxAccount,
  live: () => LiveStream,
  now: number,
): { chatJid: string; count: number } | null {
  const since = phone.offlineSince;
  const failed = phone.failedWhileOffline;
  phone.offlineSince = null;
  phone.failedWhileOffline = false;
  if (since === null || !failed) return null;
  const chat = chatOf(account, phone.lastChatJid) ?? account.chats.find((c) => c.kind === 'dm' && !c.jid.endsWith('@lid'));
  if (!chat) return null;
  const stream = live();
  const span = Math.max(0, now - since);
  for (let i = 1; i <= MISSED_PER_OUTAGE; i++) {
    const at = since + Math.floor((i * span) / (MISSED_PER_OUTAGE + 1));
    const message = stream.chatMessage(chat, 'text', at);
    phone.messages.push(message);
  }
  phone.lastChatJid = chat.jid;
  return { chatJid: chat.jid, count: MISSED_PER_OUTAGE };
}
