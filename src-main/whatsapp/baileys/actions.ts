/**
 * The live actions on stored messages (issue 13): editing and revoking our own messages, and read receipts for
 * incoming ones. Each names the message by the key WhatsApp knows (its stored payload's key, outgoing.ts
 * storedKey), sends through Baileys' own content shapes, then stores the result and announces it once (the echo
 * of the action may have been applied by ingestion already).
 */
import type { WAMessageKey } from '@whiskeysockets/baileys';
import { ForbiddenError, NotFoundError, ValidationError } from '../../core/errors.js';
import { messageStatusPayload } from '../../core/event-payloads.js';
import { isChannelJid } from '../../core/jid.js';
import type { MessageRef } from '../../core/whatsapp-port.js';
import type { MessageRow } from '../../store/repositories/messages.js';
import type { SocketLike } from '../socket.js';
import { sendFailure, upstream, withTimeout } from './failures.js';
import { storedKey } from './outgoing.js';
import { SEND_TIMEOUT_MS, type SendContext } from './send.js';

/** Read receipts name at most this many of a chat's newest unread messages. */
export const MAX_READ_RECEIPTS = 100;

const bad = (field: string, message: string) => new ValidationError(message, { field });

function ownRow(ctx: SendContext, ref: MessageRef): MessageRow {
  const row = ctx.store.messages.find(ctx.sessionId, ref.chatJid, ref.waMessageId);
  if (!row) throw new NotFoundError('message not found', { chatJid: ref.chatJid, messageId: ref.waMessageId });
  if (row.from_me !== 1) throw new ForbiddenError('only messages sent from this account can be changed on WhatsApp', { messageId: ref.waMessageId });
  return row;
}

/** Edits our own text message: Baileys `{text, edit: key}` (a MESSAGE_EDIT protocol message). */
export async function editMessage(ctx: SendContext, sock: SocketLike, ref: MessageRef, text: string): Promise<void> {
  if (typeof text !== 'string' || text.trim() === '' || text.length > 65_536) throw bad('text', 'text must be 1 to 65536 characters');
  const row = ownRow(ctx, ref);
  const key = storedKey(ctx.store, ctx.sessionId, row);
  try {
    await withTimeout(sock.sendMessage(key.remoteJid!, { text, edit: key }), SEND_TIMEOUT_MS, 'editing the message');
  } catch (e) {
    throw sendFailure(e);
  }
  // The echo of the edit may have been applied already (ingestion): announce only a change.
  const now = ctx.store.messages.get(row.pk);
  if (!now || (now.edited === 1 && now.body === text)) return;
  ctx.store.messages.setEdited(row.pk, text);
  const fresh = ctx.store.messages.get(row.pk);
  if (fresh) ctx.publish('message.status', messageStatusPayload(fresh));
}

/** Revokes our own message for everyone: Baileys `{delete: key}` (a REVOKE protocol message). */
export async function revokeMessage(ctx: SendContext, sock: SocketLike, ref: MessageRef): Promise<void> {
  const row = ownRow(ctx, ref);
  const key = storedKey(ctx.store, ctx.sessionId, row);
  try {
    await withTimeout(sock.sendMessage(key.remoteJid!, { delete: key }), SEND_TIMEOUT_MS, 'deleting the message');
  } catch (e) {
    throw sendFailure(e);
  }
  const now = ctx.store.messages.get(row.pk);
  if (!now || now.deleted === 1) return;
  ctx.store.messages.setDeleted(row.pk);
  const fresh = ctx.store.messages.get(row.pk);
  if (fresh) ctx.publish('message.status', messageStatusPayload(fresh));
}

/** Read receipts for incoming messages (Baileys readMessages: 'read', or 'read-self' when our privacy hides them). */
export async function sendReadReceipts(ctx: SendContext, sock: SocketLike, refs: MessageRef[]): Promise<void> {
  const keys: WAMessageKey[] = [];
  for (const ref of refs.slice(0, MAX_READ_RECEIPTS)) {
    if (ref.fromMe || isChannelJid(ref.chatJid)) continue;
    const row = ctx.store.messages.find(ctx.sessionId, ref.chatJid, ref.waMessageId);
    keys.push(
      row
        ? storedKey(ctx.store, ctx.sessionId, row)
        : { remoteJid: ref.chatJid, fromMe: false, id: ref.waMessageId, ...(ref.participant ? { participant: ref.participant } : {}) },
    );
  }
  if (keys.length === 0) return;
  try {
    await withTimeout(sock.readMessages(keys), SEND_TIMEOUT_MS, 'sending read receipts');
  } catch (e) {
    throw upstream('WhatsApp did not take the read receipts', e);
  }
}
