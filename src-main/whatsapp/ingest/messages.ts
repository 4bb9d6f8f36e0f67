/**
 * Messages: live upserts (new rows announced), updates (status, edit, revoke), receipts, reactions (one per
 * person per message), protocol messages applied to their targets, deletes. History's writer
 * (storeHistory) lives here too, so a copy of a message is merged the same way whichever way it came.
 */
import { proto, type BaileysEventMap, type WAMessage, type WAMessageKey } from '@whiskeysockets/baileys';
import { ackStatus, type Message, type MessageRecord } from '../../core/types.js';
import { rowToMessage, type MessageSummary } from '../../store/repositories/messages.js';
import { canonicalChatJid, canonicalJid, chatKind, isLidJid, normalizeJid } from '../../core/jid.js';
import { ackFailureText } from '../send-errors.js';
import { stringParams } from '../proto-values.js';
import { editedBody, mapMessage, protocolAction, reactionRemoval, receiptLevel, statusOf, stubTypeOf, toNum, type ProtocolAction } from '../mapper.js';
import { each, emit, emitStatus, guard, noteMedia, warn, type Batch } from './batch.js';
import { flushTouches, touch } from './chats.js';
import { noteSpan } from './coverage.js';
import { harvestKey, resolveLid, resolvePn, type SessionState } from './identity.js';

const Status = proto.WebMessageInfo.Status;
const StubType = proto.WebMessageInfo.StubType;

/** The API Message for a record just inserted (no read-back needed). */
export function recordToMessage(sessionId: string, rec: MessageRecord, createdAt: number): Message {
  return {
    id: rec.waMessageId,
    waMessageId: rec.waMessageId,
    sessionId,
    chatJid: rec.chatJid,
    direction: rec.fromMe ? 'out' : 'in',
    fromMe: rec.fromMe,
    senderJid: rec.senderJid,
    senderLid: rec.senderLid,
    senderName: rec.senderName,
    type: rec.type,
    body: rec.body,
    hasMedia: rec.media !== null,
    media: rec.media,
    mentions: rec.mentions,
    mentionNames: rec.mentionNames,
    quotedMessageId: rec.quotedMessageId,
    timestamp: rec.timestamp,
    createdAt,
    ackLevel: rec.ackLevel,
    status: ackStatus(rec.ackLevel),
    error: rec.error,
    edited: rec.edited,
    deleted: rec.deleted,
  };
}

export function countsUnread(rec: MessageRecord): boolean {
  return (
    !rec.fromMe &&
    !rec.placeholder &&
    !rec.deleted &&
    rec.type !== 'system' &&
    rec.type !== 'reaction' &&
    chatKind(rec.chatJid) !== 'channel'
  );
}

export function findRow(s: SessionState, key: WAMessageKey | null | undefined): MessageSummary | undefined {
  const { store } = s.env;
  const id = key?.id;
  if (!id) return undefined;
  return store.messages.findSummary(s.id, canonicalChatJid(key, s.ctx), id);
}

/** A message already stored meets a new copy of itself: fill a placeholder, apply revoke/edit/ack. */
export function applyToExisting(b: Batch, row: MessageSummary, rec: MessageRecord, live: boolean): void {
  const { store } = b.s.env;
  const sid = b.s.id;
  if (row.placeholder === 1) {
    if (rec.placeholder) {
      b.stats.duplicates++; // a repeated CIPHERTEXT stub
      return;
    }
    store.messages.replacePlaceholder(row.pk, sid, rec);
    noteMedia(b, { ...rec, chatJid: row.chat_jid }, row.pk, !live);
    if (rec.edited) store.messages.setEdited(row.pk, rec.body);
    if (rec.deleted) store.messages.setDeleted(row.pk);
    b.stats.replaced++;
    if (live) {
      touch(b, { ...rec, chatJid: row.chat_jid }, countsUnread(rec));
      const fresh = store.messages.get(row.pk);
      if (fresh) emit(b, 'message', rowToMessage(fresh));
    }
    return;
  }
  b.stats.duplicates++;
  if (rec.placeholder) return; // the real content is already here
  let changed = false;
  if (rec.deleted && row.deleted === 0) {
    store.messages.setDeleted(row.pk);
    changed = true;
  } else if (rec.edited && row.deleted === 0 && !rec.deleted && (row.edited === 0 || rec.body !== row.body)) {
    store.messages.setEdited(row.pk, rec.body);
    changed = true;
  }
  if (rec.ackLevel > 0 && rec.ackLevel > row.ack_level && store.messages.raiseAck(row.pk, rec.ackLevel)) changed = true;
  else if (rec.ackLevel === Status.ERROR && row.ack_level !== 0 && row.ack_level < Status.DELIVERY_ACK) {
    store.messages.setError(row.pk, rec.error ?? 'error');
    changed = true;
  }
  if (live && rec.fromMe && rec.raw) store.messages.fillRaw(row.pk, rec.raw);
  if (changed && live) emitStatus(b, row.pk);
}

export function storeLive(b: Batch, rec: MessageRecord): void {
  const { store, now } = b.s.env;
  const sid = b.s.id;
  noteSpan(b, rec);
  // By id across chats too: our own sends are stored before the echo, maybe under the other JID form.
  const row = store.messages.findSummary(sid, rec.chatJid, rec.waMessageId);
  if (row) {
    applyToExisting(b, row, rec, true);
    return;
  }
  const createdAt = now();
  const pk = store.messages.insertFast(sid, rec, createdAt);
  if (pk === null) {
    b.stats.duplicates++;
    return;
  }
  b.stats.inserted++;
  noteMedia(b, rec, pk, false);
  touch(b, rec, countsUnread(rec));
  // A placeholder is not news yet: the 'message' event goes out when its content arrives.
  if (!rec.placeholder) emit(b, 'message', recordToMessage(sid, rec, createdAt));
}

export function storeHistory(b: Batch, rec: MessageRecord): void {
  const { store } = b.s.env;
  const sid = b.s.id;
  noteSpan(b, rec);
  const pk = store.messages.insertFast(sid, rec, b.createdAt);
  if (pk !== null) {
    b.stats.inserted++;
    noteMedia(b, rec, pk, true);
    touch(b, rec, false);
    return;
  }
  const row = store.messages.findSummaryInChat(sid, rec.chatJid, rec.waMessageId);
  if (row) applyToExisting(b, row, rec, false);
  else b.stats.duplicates++;
}

/** Keeps one reaction per person per message (live only: history holds final states already). */
export function supersedeReactions(b: Batch, rec: MessageRecord, targetId: string, keepId: string): void {
  const { store } = b.s.env;
  store.messages.removeReactions(b.s.id, {
    chatJid: rec.chatJid,
    targetId,
    keepId,
    fromMe: rec.fromMe,
    senderJid: rec.senderJid,
    senderLid: rec.senderLid,
  });
}

/** A reaction as a message of its own (type 'reaction', quotedMessageId = the message reacted to). */
export function reactionMessage(targetKey: WAMessageKey, reaction: proto.IReaction, fallbackChat: string | null): WAMessage | null {
  const rkey = reaction.key as WAMessageKey | null | undefined;
  const id = rkey?.id;
  if (!id || !targetKey?.id) return null;
  const remoteJid = rkey.remoteJid ?? targetKey.remoteJid ?? fallbackChat;
  const ms = toNum(reaction.senderTimestampMs);
  return {
    key: { ...rkey, remoteJid },
    message: { reactionMessage: { key: targetKey, text: reaction.text ?? '', senderTimestampMs: reaction.senderTimestampMs } },
    messageTimestamp: ms > 0 ? Math.floor(ms / 1000) : undefined,
  } as WAMessage;
}

export function ingestReaction(b: Batch, targetKey: WAMessageKey, reaction: proto.IReaction, live: boolean): void {
  if (!reaction || !targetKey?.id) return;
  if (!reaction.text) {
    const rkey = reaction.key as WAMessageKey | null | undefined;
    if (rkey) removeReaction(b, { ...rkey, remoteJid: rkey.remoteJid ?? targetKey.remoteJid }, targetKey.id);
    return;
  }
  const m = reactionMessage(targetKey, reaction, null);
  if (!m) return;
  const rec = mapMessage(m, b.s.ctx);
  if (!rec) return;
  if (live) {
    storeLive(b, rec);
    supersedeReactions(b, rec, targetKey.id, rec.waMessageId);
  } else {
    storeHistory(b, rec);
  }
}

/** An empty reaction: the sender took their reaction back. */
export function removeReaction(b: Batch, reactorKey: WAMessageKey, targetId: string): void {
  const probe = mapMessage(
    { key: reactorKey, message: { reactionMessage: { key: { id: targetId }, text: '-' } } } as WAMessage,
    b.s.ctx,
  );
  if (probe) supersedeReactions(b, probe, targetId, '');
}

export function applyProtocol(b: Batch, m: WAMessage, action: ProtocolAction): void {
  const { store } = b.s.env;
  const key = { ...(m.key as WAMessageKey), id: action.targetId };
  const row = findRow(b.s, key);
  if (!row) return;
  if (action.kind === 'revoke') {
    if (row.deleted === 0) {
      store.messages.setDeleted(row.pk);
      emitStatus(b, row.pk);
    }
    return;
  }
  if (action.body === null || row.deleted === 1 || !sameAuthor(b.s, row, m.key as WAMessageKey)) return;
  if (row.edited === 1 && row.body === action.body) return;
  store.messages.setEdited(row.pk, action.body);
  emitStatus(b, row.pk);
}

/** Only the author edits a message: refuse an edit whose key names someone else. */
export function sameAuthor(s: SessionState, row: MessageSummary, key: WAMessageKey): boolean {
  if ((key.fromMe === true) !== (row.from_me === 1)) return false;
  if (key.fromMe) return true;
  const p = normalizeJid(key.participant);
  if (!p || (!row.sender_jid && !row.sender_lid)) return true;
  if (p === row.sender_jid || p === row.sender_lid) return true;
  const other = isLidJid(p) ? resolvePn(s, p) : resolveLid(s, p);
  return other !== undefined && (other === row.sender_jid || other === row.sender_lid);
}

export function upsertMessages(b: Batch, data: BaileysEventMap['messages.upsert']): void {
  const list = data?.messages;
  if (!Array.isArray(list)) {
    warn(b, 'messages.upsert', new TypeError('messages is not an array'));
    return;
  }
  // Protocol messages (revoke, edit) are applied after the batch's messages are stored. A revoke the
  // event buffer folded into its target's upsert carries the revoke's own key: map it back to the target.
  let actions: { m: WAMessage; action: ProtocolAction }[] | null = null;
  let revokedBy: Map<string, string> | null = null;
  for (const m of list) {
    try {
      const action = protocolAction(m);
      if (!action) continue;
      (actions ??= []).push({ m, action });
      const ownId = m.key?.id;
      if (action.kind === 'revoke' && ownId) (revokedBy ??= new Map()).set(ownId, action.targetId);
    } catch {
      // a broken payload; the main pass below logs and counts it
    }
  }
  for (const m of list) {
    guard(b, 'messages.upsert', () => {
      harvestKey(b, m.key);
      const rec = mapMessage(m, b.s.ctx);
      if (!rec) {
        const removal = reactionRemoval(m);
        if (removal) removeReaction(b, m.key, removal.targetId);
        else b.stats.skipped++;
        return;
      }
      if (rec.deleted && revokedBy?.has(rec.waMessageId)) rec.waMessageId = revokedBy.get(rec.waMessageId)!;
      storeLive(b, rec);
      if (rec.type === 'reaction' && rec.quotedMessageId) supersedeReactions(b, rec, rec.quotedMessageId, rec.waMessageId);
      if (Array.isArray(m.reactions) && m.reactions.length) {
        for (const r of m.reactions) guard(b, 'messages.upsert', () => ingestReaction(b, m.key, r, true));
      }
    });
  }
  if (actions) for (const { m, action } of actions) guard(b, 'messages.upsert', () => applyProtocol(b, m, action));
  flushTouches(b);
}

export function updateMessages(b: Batch, list: BaileysEventMap['messages.update']): void {
  const { store } = b.s.env;
  each<BaileysEventMap['messages.update'][number]>(b, 'messages.update', list, ({ key, update }) => {
    if (!update || typeof update !== 'object') return;
    const row = findRow(b.s, key);
    if (!row) return;
    let changed = false;
    const stub = stubTypeOf(update);
    if ('message' in update && update.message === null && (stub === StubType.REVOKE || stub === StubType.ADMIN_REVOKE)) {
      // Revoke: keep type and body (the API shows deleted:true); never copy update.key onto the row.
      if (row.deleted === 0) {
        store.messages.setDeleted(row.pk);
        changed = true;
      }
    } else if (update.message?.editedMessage && row.deleted === 0 && sameAuthor(b.s, row, key)) {
      const body = editedBody(update.message);
      if (body !== null && (row.edited === 0 || body !== row.body)) {
        store.messages.setEdited(row.pk, body);
        changed = true;
      }
    }
    if (update.status !== undefined && update.status !== null) {
      const level = statusOf(update.status);
      if (level === Status.ERROR) {
        // An error ack for something already delivered is stale; otherwise record it with its text.
        if (row.ack_level !== 0 && row.ack_level < Status.DELIVERY_ACK) {
          // A readable text for the person who sent it (whatsapp/send-errors.ts), e.g. 463 = account restricted.
          store.messages.setError(row.pk, ackFailureText(stringParams(update)) ?? 'error');
          changed = true;
        }
      } else if (level !== null && level > row.ack_level && store.messages.raiseAck(row.pk, level)) {
        changed = true;
      }
    }
    if (changed) emitStatus(b, row.pk);
  });
}

export function updateReceipts(b: Batch, list: BaileysEventMap['message-receipt.update']): void {
  const { store } = b.s.env;
  each<BaileysEventMap['message-receipt.update'][number]>(b, 'message-receipt.update', list, ({ key, receipt }) => {
    const level = receiptLevel(receipt);
    if (level === 0) return;
    const row = findRow(b.s, key);
    if (row && level > row.ack_level && store.messages.raiseAck(row.pk, level)) emitStatus(b, row.pk);
  });
}

export function reactions(b: Batch, list: BaileysEventMap['messages.reaction']): void {
  each<BaileysEventMap['messages.reaction'][number]>(b, 'messages.reaction', list, ({ key, reaction }) =>
    ingestReaction(b, key, reaction, true),
  );
  flushTouches(b);
}

export function deleteMessages(b: Batch, data: BaileysEventMap['messages.delete']): void {
  const { store } = b.s.env;
  if (!data || typeof data !== 'object') return;
  if ('keys' in data) {
    each<WAMessageKey>(b, 'messages.delete', data.keys, (key) => {
      const row = findRow(b.s, key);
      if (row) store.messages.remove(row.pk);
    });
  } else if ('jid' in data && data.all) {
    const jid = canonicalJid(data.jid, b.s.ctx);
    if (jid) store.messages.removeChat(b.s.id, jid);
  }
}
