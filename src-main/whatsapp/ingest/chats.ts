/**
 * Chats, channels and groups: activity gathered per batch and written once per chat, chat and channel
 * upserts/updates/deletes from the phone, newsletter notifications.
 */
import type { BaileysEventMap, Chat as WAChat } from '@whiskeysockets/baileys';
import { chatDeletedPayload } from '../../core/event-payloads.js';
import type { MessageRecord } from '../../core/types.js';
import type { ChatPatch } from '../../store/repositories/chats.js';
import { canonicalJid, chatKind, isLidJid, isPhoneJid, normalizeJid } from '../../core/jid.js';
import { toMillis, toNum } from '../mapper.js';
import { each, emit, guard, str, type Batch } from './batch.js';
import { displayName, learnMapping } from './identity.js';

/** WhatsApp's mute end (seconds or ms; -1 or an overflowing uint64 = forever) as epoch ms, -1, or null. */
function muteUntil(v: unknown): number | null {
  if (v === null || v === undefined) return null;
  const n = toNum(v);
  if (n === -1 || n > 1e15) return -1;
  if (n <= 0) return null;
  return n > 1e11 ? Math.floor(n) : Math.floor(n * 1000);
}

export type ChatMode = 'history' | 'upsert' | 'update';

export function touch(b: Batch, rec: MessageRecord, countsUnread: boolean): void {
  const kind = chatKind(rec.chatJid);
  const ts = rec.type === 'reaction' ? 0 : rec.timestamp;
  if (kind === 'channel') {
    const prev = b.channels.get(rec.chatJid) ?? 0;
    b.channels.set(rec.chatJid, ts > prev ? ts : prev);
    return;
  }
  let t = b.chats.get(rec.chatJid);
  if (!t) {
    t = { type: kind === 'group' ? 'group' : 'dm', lastMessageAt: 0, unread: 0, nameHint: null };
    b.chats.set(rec.chatJid, t);
  }
  if (ts > t.lastMessageAt) t.lastMessageAt = ts;
  if (countsUnread) t.unread++;
  if (!t.nameHint && t.type === 'dm' && !rec.fromMe && rec.senderName) t.nameHint = rec.senderName;
}

/** Writes the chat/channel activity gathered by a step: one UPDATE (or INSERT) per chat, not per message. */
export function flushTouches(b: Batch): void {
  const { store } = b.s.env;
  const sid = b.s.id;
  for (const [jid, t] of b.chats) {
    guard(b, 'chat activity', () => {
      if (!store.chats.touch(sid, jid, t.lastMessageAt, t.unread)) {
        const name = t.type === 'dm' ? (displayName(b.s, jid) ?? t.nameHint) : null;
        store.chats.insert(sid, {
          jid,
          name,
          type: t.type,
          lastMessageAt: t.lastMessageAt,
          unreadCount: t.unread,
          archived: false,
          pinned: false,
          mutedUntil: null,
        });
      }
    });
  }
  b.chats.clear();
  for (const [jid, ts] of b.channels) {
    guard(b, 'channel activity', () => {
      store.channels.ensure(sid, jid);
      if (ts > 0) store.channels.touch(sid, jid, ts);
    });
  }
  b.channels.clear();
}

export function upsertChat(b: Batch, c: Partial<WAChat> & Record<string, unknown>, mode: ChatMode): void {
  const { store } = b.s.env;
  if (!c || typeof c !== 'object') return;
  const raw = normalizeJid(c.id);
  if (!raw) return;
  // A conversation names its other form: learn it before deciding where the chat lives.
  const pnJid = normalizeJid(c.pnJid);
  const lidJid = normalizeJid(c.lidJid);
  if (isLidJid(raw) && pnJid) learnMapping(b, raw, pnJid);
  else if (isPhoneJid(raw) && lidJid) learnMapping(b, lidJid, raw);
  const jid = canonicalJid(raw, b.s.ctx);
  if (!jid) return;
  const kind = chatKind(jid);
  if (!kind) return;
  const name = str(c.name) ?? (kind === 'dm' ? str(c.displayName) : null);
  const lastMessageAt = toMillis(c.conversationTimestamp ?? c.lastMsgTimestamp);
  if (kind === 'channel') {
    // The phone's conversation list holds the channels the account follows.
    store.channels.upsert(b.s.id, { jid, ...(name ? { name } : {}), ...(mode === 'history' ? { following: true } : {}) });
    if (lastMessageAt > 0) store.channels.touch(b.s.id, jid, lastMessageAt);
    return;
  }
  store.chats.ensure(b.s.id, jid, kind, name);
  const patch: ChatPatch = {};
  if (lastMessageAt > 0) patch.lastMessageAt = lastMessageAt;
  if (typeof c.archived === 'boolean') patch.archived = c.archived;
  if ('pinned' in c && c.pinned !== undefined) patch.pinned = toNum(c.pinned) > 0;
  if ('muteEndTime' in c && c.muteEndTime !== undefined) patch.mutedUntil = muteUntil(c.muteEndTime);
  let markedUnread = c.markedAsUnread === true;
  const unread = c.unreadCount;
  if (typeof unread === 'number') {
    if (unread === -1) markedUnread = true;
    else if (mode !== 'update') patch.unreadCount = Math.max(0, unread);
    // chats.update: 0 = read elsewhere. A positive count is Baileys' +1 per incoming message, which we
    // already counted from the stored message itself (so a redelivered message never counts twice).
    else if (unread === 0) patch.unreadCount = 0;
  }
  if (Object.keys(patch).length) store.chats.patch(b.s.id, jid, patch);
  if (markedUnread) store.chats.markUnread(b.s.id, jid);
}

export function deleteChats(b: Batch, list: BaileysEventMap['chats.delete']): void {
  const { store } = b.s.env;
  each<string>(b, 'chats.delete', list, (id) => {
    const jid = canonicalJid(id, b.s.ctx);
    if (!jid || chatKind(jid) === 'channel') return;
    if (store.chats.delete(b.s.id, jid)) emit(b, 'chat.deleted', chatDeletedPayload(jid));
  });
}

export function channelSettings(b: Batch, data: BaileysEventMap['newsletter-settings.update']): void {
  const { store } = b.s.env;
  const jid = normalizeJid(data?.id);
  if (!jid || chatKind(jid) !== 'channel') return;
  const u = (data.update ?? {}) as Record<string, unknown>;
  const text = (v: unknown): string | undefined =>
    typeof v === 'string' ? v : typeof (v as { text?: unknown })?.text === 'string' ? (v as { text: string }).text : undefined;
  const name = text(u.name);
  const description = text(u.description);
  store.channels.upsert(b.s.id, {
    jid,
    ...(name !== undefined ? { name } : {}),
    ...(description !== undefined ? { description } : {}),
  });
}

/** Any newsletter notification proves the channel exists for this account. */
export function channelSeen(b: Batch, data: { id?: unknown } | null | undefined): void {
  const { store } = b.s.env;
  const jid = normalizeJid(data?.id);
  if (jid && chatKind(jid) === 'channel') store.channels.ensure(b.s.id, jid);
}
