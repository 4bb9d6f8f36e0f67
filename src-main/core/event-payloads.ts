/**
 * Builders of event payloads whose shape is not simply a domain object: every producer of an event calls
 * the same builder, so the payload of an event has one definition (core/events.ts) and one construction.
 */
import type { ChatDeletedPayload, MessageRemovedPayload, MessageStatusPayload, SessionStatusPayload, SyncProgressPayload } from './events.js';
import { ackStatus, type Session, type SyncState } from './types.js';

/** The stored fields a 'message.status' payload is made of (a message row has them all). */
export interface MessageStatusFields {
  wa_message_id: string;
  chat_jid: string;
  ack_level: number;
  error: string | null;
  edited: number;
  deleted: number;
}

export function messageStatusPayload(r: MessageStatusFields & { body?: string }): MessageStatusPayload {
  const payload: MessageStatusPayload = {
    waMessageId: r.wa_message_id,
    chatJid: r.chat_jid,
    ackLevel: r.ack_level,
    status: ackStatus(r.ack_level),
    error: r.error,
    edited: r.edited === 1,
    deleted: r.deleted === 1,
  };
  // An edit's new text travels with it (issue 13), so readers need not fetch the message again.
  if (r.edited === 1 && typeof r.body === 'string') payload.body = r.body;
  return payload;
}

export function messageRemovedPayload(chatJid: string, waMessageId: string): MessageRemovedPayload {
  return { chatJid, waMessageId };
}

/** The last 'session.status' of a deleted session: readers drop it from their lists. */
export function sessionDeletedPayload(last: Session): SessionStatusPayload {
  return { ...last, status: 'stopped', live: false, deleted: true };
}

export function chatDeletedPayload(chatJid: string, mergedInto?: string): ChatDeletedPayload {
  return mergedInto === undefined ? { chatJid } : { chatJid, mergedInto };
}

export function syncProgressPayload(state: SyncState, progress: number, chatJid?: string): SyncProgressPayload {
  const payload: SyncProgressPayload = { state, progress: Math.max(0, Math.min(100, Math.round(progress))) };
  if (chatJid) payload.chatJid = chatJid;
  return payload;
}
