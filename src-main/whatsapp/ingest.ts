/**
 * Ingestion: Baileys data events (BAILEYS.md section 3) -> SQLite rows + realtime events.
 *
 * One call of `handle` takes one consolidated event map (what the event buffer releases on flush) and
 * writes it in ONE synchronous transaction, in a fixed order that makes later steps see earlier ones:
 * mappings and contacts, history, chats, messages, updates, deletes. Realtime events are collected while
 * writing and published only after the commit, so nobody hears about a row that was rolled back.
 *
 * Robustness: every item of every event is guarded; a bad item is logged (with the session id) and
 * skipped, the rest of the batch is kept. Nothing here ever throws into Baileys' emitter.
 *
 * Speed: all SQL is prepared once, in the repositories (the history hot path uses their positional
 * statements); per-session caches answer the LID <->
 * phone and display-name lookups the mapper makes for every message, so history sync does one INSERT per
 * message and little else.
 */
import {
  proto,
  type BaileysEventMap,
  type Chat as WAChat,
  type Contact as WAContact,
  type WAMessage,
  type WAMessageKey,
} from '@whiskeysockets/baileys';
import type { Logger } from 'pino';
import { chatDeletedPayload, messageStatusPayload, syncProgressPayload } from '../core/event-payloads.js';
import type { EventPayloads, EventPublisher, GatewayEvent, RealtimeEventName } from '../core/events.js';
import { ackStatus, type Message, type MessageRecord, type SyncState } from '../core/types.js';
import type { Store } from '../store/index.js';
import type { ChatPatch } from '../store/repositories/chats.js';
import { rowToMessage, type MessageSummary } from '../store/repositories/messages.js';
import type { Ingestor } from './ingest-port.js';
import { readRawContent } from './raw-message.js';
import {
  canonicalChatJid,
  canonicalJid,
  chatKind,
  editedBody,
  errorText,
  isLid,
  isPn,
  keyMapping,
  mapMessage,
  meIdentity,
  normalizeJid,
  protocolAction,
  reactionRemoval,
  receiptLevel,
  statusOf,
  stubTypeOf,
  toMillis,
  toNum,
  type MapperContext,
  type MeIdentity,
  type ProtocolAction,
} from './mapper.js';
import type { SocketLike } from './socket.js';

export interface IngestorDeps {
  store: Store;
  publisher: EventPublisher;
  logger: Logger;
  /** Clock for createdAt (epoch ms); injectable for tests. */
  now?: () => number;
}

/** What one call stored; returned by handle/applyHistory (benchmarks and the sandbox read it). */
export interface IngestStats {
  /** New message rows. */
  inserted: number;
  /** Messages already stored (their status/edit/revoke may still have been applied). */
  duplicates: number;
  /** Placeholders that received their real content. */
  replaced: number;
  /** Payloads that are not messages worth a row (protocol messages, status broadcasts, garbage). */
  skipped: number;
  /** Items that threw and were skipped. */
  failed: number;
}

export type HistoryChunk = BaileysEventMap['messaging-history.set'];
export type EventBatch = Partial<BaileysEventMap>;

export interface GatewayIngestor extends Ingestor {
  /** Ingests one consolidated event map (as `ev.process` delivers it) without a socket. Never throws. */
  handle(sessionId: string, events: EventBatch, user?: { id?: string | null; lid?: string | null } | null): IngestStats;
  /** One history chunk in one transaction: no 'message' events; publishes 'sync.progress'. Never throws. */
  applyHistory(sessionId: string, data: HistoryChunk): IngestStats;
  /** The stored content of a message for Baileys' getMessage (retries of our own sends), or undefined. */
  getMessageContent(sessionId: string, key: WAMessageKey): proto.IMessage | undefined;
  /** Sets our own identity (normally learned from sock.user or the session row). */
  setMe(sessionId: string, user: { id?: string | null; lid?: string | null } | null | undefined): void;
  /** Drops the per-session caches (session deleted or logged out). */
  forget(sessionId: string): void;
}

interface SessionState {
  id: string;
  organizationId: string | null;
  me: MeIdentity | undefined;
  pnByLid: Map<string, string>;
  lidByPn: Map<string, string>;
  /** JIDs with no stored mapping; per batch, because other code may store mappings between batches. */
  unmapped: Set<string>;
  /** Display-name memo; per batch, cleared whenever contacts change. */
  names: Map<string, string | null>;
  /** The batch being written (mapping discoveries during mapping need it to merge chats). */
  batch: Batch | null;
  ctx: MapperContext;
}

interface ChatTouch {
  type: 'dm' | 'group';
  lastMessageAt: number;
  unread: number;
  /** Push name of the peer, a name for a DM chat created by this batch when no contact name exists. */
  nameHint: string | null;
}

interface Batch {
  s: SessionState;
  chats: Map<string, ChatTouch>;
  channels: Map<string, number>;
  events: GatewayEvent[];
  stats: IngestStats;
  warnings: number;
  createdAt: number;
}

const MAX_WARNINGS_PER_BATCH = 5;
const Status = proto.WebMessageInfo.Status;
const StubType = proto.WebMessageInfo.StubType;

function emptyStats(): IngestStats {
  return { inserted: 0, duplicates: 0, replaced: 0, skipped: 0, failed: 0 };
}

const str = (v: unknown): string | null => (typeof v === 'string' && v.length > 0 ? v : null);

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

/** WhatsApp's mute end (seconds or ms; -1 or an overflowing uint64 = forever) as epoch ms, -1, or null. */
function muteUntil(v: unknown): number | null {
  if (v === null || v === undefined) return null;
  const n = toNum(v);
  if (n === -1 || n > 1e15) return -1;
  if (n <= 0) return null;
  return n > 1e11 ? Math.floor(n) : Math.floor(n * 1000);
}

export function createIngestor(deps: IngestorDeps): GatewayIngestor {
  const { store, publisher, logger } = deps;
  const now = deps.now ?? Date.now;
  const sessions = new Map<string, SessionState>();

  // ---------------------------------------------------------------------------------------------------
  // Session state and lookups

  function stateFor(sessionId: string): SessionState {
    let s = sessions.get(sessionId);
    if (!s) {
      const row = store.sessions.get(sessionId);
      const state: SessionState = {
        id: sessionId,
        organizationId: row?.organization_id ?? null,
        me: meIdentity({ id: row?.wa_jid ?? null, lid: row?.wa_lid ?? null }),
        pnByLid: new Map(),
        lidByPn: new Map(),
        unmapped: new Set(),
        names: new Map(),
        batch: null,
        ctx: undefined as unknown as MapperContext,
      };
      state.ctx = {
        get me() {
          return state.me;
        },
        resolvePn: (lid) => resolvePn(state, lid),
        resolveLid: (pn) => resolveLid(state, pn),
        displayName: (jid) => displayName(state, jid),
        now,
      };
      s = state;
      sessions.set(sessionId, s);
    } else if (!s.organizationId) {
      const row = store.sessions.get(sessionId);
      if (row) {
        s.organizationId = row.organization_id;
        s.me ??= meIdentity({ id: row.wa_jid, lid: row.wa_lid });
      }
    }
    return s;
  }

  function resolvePn(s: SessionState, lid: string): string | undefined {
    const cached = s.pnByLid.get(lid);
    if (cached) return cached;
    if (s.unmapped.has(lid)) return undefined;
    const pn = store.lidMappings.pnForLid(s.id, lid);
    if (!pn) {
      s.unmapped.add(lid);
      return undefined;
    }
    remember(s, lid, pn);
    return pn;
  }

  function resolveLid(s: SessionState, pn: string): string | undefined {
    const cached = s.lidByPn.get(pn);
    if (cached) return cached;
    if (s.unmapped.has(pn)) return undefined;
    const lid = store.lidMappings.lidForPn(s.id, pn);
    if (!lid) {
      s.unmapped.add(pn);
      return undefined;
    }
    remember(s, lid, pn);
    return lid;
  }

  /**
   * Caches a mapping seen for the first time by this process. Whoever stored it (us, the adapter, an older
   * run), a chat still filed under the LID is merged into the phone chat now, so the split never survives.
   */
  function remember(s: SessionState, lid: string, pn: string): void {
    s.pnByLid.set(lid, pn);
    s.lidByPn.set(pn, lid);
    s.unmapped.delete(lid);
    s.unmapped.delete(pn);
    if (s.batch) mergeLidChat(s.batch, lid, pn);
  }

  function displayName(s: SessionState, jid: string): string | null {
    const memo = s.names.get(jid);
    if (memo !== undefined) return memo;
    let name = store.contacts.displayName(s.id, jid);
    if (!name) {
      const other = isLid(jid) ? resolvePn(s, jid) : isPn(jid) ? resolveLid(s, jid) : undefined;
      if (other) name = store.contacts.displayName(s.id, other);
    }
    s.names.set(jid, name ?? null);
    return name ?? null;
  }

  // ---------------------------------------------------------------------------------------------------
  // Batch plumbing

  function emit<E extends RealtimeEventName>(b: Batch, event: E, payload: EventPayloads[E]): void {
    if (!b.s.organizationId) return;
    b.events.push({ event, sessionId: b.s.id, organizationId: b.s.organizationId, payload } as GatewayEvent);
  }

  function warn(b: Batch, what: string, err: unknown): void {
    b.warnings++;
    if (b.warnings <= MAX_WARNINGS_PER_BATCH) {
      logger.warn({ sessionId: b.s.id, event: what, err }, 'skipped a payload that could not be ingested');
    }
  }

  /** Runs one item; a throw is logged and counted, never propagated. */
  function guard(b: Batch, what: string, fn: () => void): void {
    try {
      fn();
    } catch (err) {
      b.stats.failed++;
      warn(b, what, err);
    }
  }

  function each<T>(b: Batch, what: string, list: unknown, fn: (item: T) => void): void {
    if (!Array.isArray(list)) {
      if (list !== undefined && list !== null) warn(b, what, new TypeError('expected an array'));
      return;
    }
    for (const item of list as T[]) guard(b, what, () => fn(item));
  }

  function publishAll(events: GatewayEvent[]): void {
    for (const e of events) {
      try {
        publisher.publish(e);
      } catch (err) {
        logger.warn({ sessionId: e.sessionId, event: e.event, err }, 'realtime publish failed');
      }
    }
  }


  function emitStatus(b: Batch, pk: number): void {
    const row = store.messages.get(pk);
    if (row) emit(b, 'message.status', messageStatusPayload(row));
  }

  // ---------------------------------------------------------------------------------------------------
  // Chats, channels, identities

  function touch(b: Batch, rec: MessageRecord, countsUnread: boolean): void {
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
  function flushTouches(b: Batch): void {
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

  function learnMapping(b: Batch, lidRaw: unknown, pnRaw: unknown): void {
    const lid = normalizeJid(lidRaw);
    const pn = normalizeJid(pnRaw);
    if (!lid || !pn || !isLid(lid) || !isPn(pn)) return;
    if (b.s.pnByLid.get(lid) === pn) return;
    store.lidMappings.put(b.s.id, lid, pn);
    b.s.names.clear();
    remember(b.s, lid, pn);
  }

  /** Moves a conversation filed under a LID into its phone-number chat (messages, counters, flags). */
  function mergeLidChat(b: Batch, lid: string, pn: string): void {
    const sid = b.s.id;
    const pending = b.chats.get(lid);
    if (pending) {
      b.chats.delete(lid);
      const target = b.chats.get(pn);
      if (target) {
        target.lastMessageAt = Math.max(target.lastMessageAt, pending.lastMessageAt);
        target.unread += pending.unread;
        target.nameHint ??= pending.nameHint;
      } else {
        b.chats.set(pn, pending);
      }
    }
    if (store.chats.mergeLidInto(sid, lid, pn)) emit(b, 'chat.deleted', chatDeletedPayload(lid, pn));
    else if (pending) store.messages.moveChat(sid, lid, pn);
  }

  function harvestKey(b: Batch, key: WAMessageKey | null | undefined): void {
    if (!key || !(key.remoteJidAlt || key.participantAlt)) return;
    const pair = keyMapping(key, b.s.me);
    if (pair) learnMapping(b, pair.lid, pair.pn);
  }

  function upsertContact(b: Batch, c: Partial<WAContact>): void {
    const id = normalizeJid(c?.id);
    if (!id || !(isPn(id) || isLid(id))) return;
    let lid = normalizeJid(c.lid) ?? (isLid(id) ? id : null);
    let pn = normalizeJid(c.phoneNumber) ?? (isPn(id) ? id : null);
    if (lid && !isLid(lid)) lid = null;
    if (pn && !isPn(pn)) pn = null;
    if (lid && pn) learnMapping(b, lid, pn);
    const name = str(c.name);
    const notify = str(c.notify);
    const verifiedName = str(c.verifiedName);
    if (!name && !notify && !verifiedName && !(lid && pn)) return;
    pn ??= lid ? (resolvePn(b.s, lid) ?? null) : null;
    lid ??= pn ? (resolveLid(b.s, pn) ?? null) : null;
    const jid = pn ?? id;
    store.contacts.upsert(b.s.id, { jid, lid, phoneNumber: pn, name, notify, verifiedName }, b.createdAt);
    b.s.names.clear();
    // A DM chat shows the saved name; a push name only fills a chat that has none.
    if (name) store.chats.setSavedName(b.s.id, jid, name);
    else if (notify) store.chats.setNameIfMissing(b.s.id, jid, notify);
  }

  type ChatMode = 'history' | 'upsert' | 'update';

  function upsertChat(b: Batch, c: Partial<WAChat> & Record<string, unknown>, mode: ChatMode): void {
    if (!c || typeof c !== 'object') return;
    const raw = normalizeJid(c.id);
    if (!raw) return;
    // A conversation names its other form: learn it before deciding where the chat lives.
    const pnJid = normalizeJid(c.pnJid);
    const lidJid = normalizeJid(c.lidJid);
    if (isLid(raw) && pnJid) learnMapping(b, raw, pnJid);
    else if (isPn(raw) && lidJid) learnMapping(b, lidJid, raw);
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

  // ---------------------------------------------------------------------------------------------------
  // Messages

  function countsUnread(rec: MessageRecord): boolean {
    return (
      !rec.fromMe &&
      !rec.placeholder &&
      !rec.deleted &&
      rec.type !== 'system' &&
      rec.type !== 'reaction' &&
      chatKind(rec.chatJid) !== 'channel'
    );
  }

  function findRow(s: SessionState, key: WAMessageKey | null | undefined): MessageSummary | undefined {
    const id = key?.id;
    if (!id) return undefined;
    return store.messages.findSummary(s.id, canonicalChatJid(key, s.ctx), id);
  }

  /** A message already stored meets a new copy of itself: fill a placeholder, apply revoke/edit/ack. */
  function applyToExisting(b: Batch, row: MessageSummary, rec: MessageRecord, live: boolean): void {
    const sid = b.s.id;
    if (row.placeholder === 1) {
      if (rec.placeholder) {
        b.stats.duplicates++; // a repeated CIPHERTEXT stub
        return;
      }
      store.messages.replacePlaceholder(row.pk, sid, rec);
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

  function storeLive(b: Batch, rec: MessageRecord): void {
    const sid = b.s.id;
    // By id across chats too: our own sends are stored before the echo, maybe under the other JID form.
    const row = store.messages.findSummary(sid, rec.chatJid, rec.waMessageId);
    if (row) {
      applyToExisting(b, row, rec, true);
      return;
    }
    const createdAt = now();
    if (!store.messages.insertFast(sid, rec, createdAt)) {
      b.stats.duplicates++;
      return;
    }
    b.stats.inserted++;
    touch(b, rec, countsUnread(rec));
    // A placeholder is not news yet: the 'message' event goes out when its content arrives.
    if (!rec.placeholder) emit(b, 'message', recordToMessage(sid, rec, createdAt));
  }

  function storeHistory(b: Batch, rec: MessageRecord): void {
    const sid = b.s.id;
    if (store.messages.insertFast(sid, rec, b.createdAt)) {
      b.stats.inserted++;
      touch(b, rec, false);
      return;
    }
    const row = store.messages.findSummaryInChat(sid, rec.chatJid, rec.waMessageId);
    if (row) applyToExisting(b, row, rec, false);
    else b.stats.duplicates++;
  }

  /** Keeps one reaction per person per message (live only: history holds final states already). */
  function supersedeReactions(b: Batch, rec: MessageRecord, targetId: string, keepId: string): void {
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
  function reactionMessage(targetKey: WAMessageKey, reaction: proto.IReaction, fallbackChat: string | null): WAMessage | null {
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

  function ingestReaction(b: Batch, targetKey: WAMessageKey, reaction: proto.IReaction, live: boolean): void {
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
  function removeReaction(b: Batch, reactorKey: WAMessageKey, targetId: string): void {
    const probe = mapMessage(
      { key: reactorKey, message: { reactionMessage: { key: { id: targetId }, text: '-' } } } as WAMessage,
      b.s.ctx,
    );
    if (probe) supersedeReactions(b, probe, targetId, '');
  }

  function applyProtocol(b: Batch, m: WAMessage, action: ProtocolAction): void {
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
  function sameAuthor(s: SessionState, row: MessageSummary, key: WAMessageKey): boolean {
    if ((key.fromMe === true) !== (row.from_me === 1)) return false;
    if (key.fromMe) return true;
    const p = normalizeJid(key.participant);
    if (!p || (!row.sender_jid && !row.sender_lid)) return true;
    if (p === row.sender_jid || p === row.sender_lid) return true;
    const other = isLid(p) ? resolvePn(s, p) : resolveLid(s, p);
    return other !== undefined && (other === row.sender_jid || other === row.sender_lid);
  }

  function upsertMessages(b: Batch, data: BaileysEventMap['messages.upsert']): void {
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

  function updateMessages(b: Batch, list: BaileysEventMap['messages.update']): void {
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
            store.messages.setError(row.pk, errorText(update.messageStubParameters) ?? 'error');
            changed = true;
          }
        } else if (level !== null && level > row.ack_level && store.messages.raiseAck(row.pk, level)) {
          changed = true;
        }
      }
      if (changed) emitStatus(b, row.pk);
    });
  }

  function updateReceipts(b: Batch, list: BaileysEventMap['message-receipt.update']): void {
    each<BaileysEventMap['message-receipt.update'][number]>(b, 'message-receipt.update', list, ({ key, receipt }) => {
      const level = receiptLevel(receipt);
      if (level === 0) return;
      const row = findRow(b.s, key);
      if (row && level > row.ack_level && store.messages.raiseAck(row.pk, level)) emitStatus(b, row.pk);
    });
  }

  function reactions(b: Batch, list: BaileysEventMap['messages.reaction']): void {
    each<BaileysEventMap['messages.reaction'][number]>(b, 'messages.reaction', list, ({ key, reaction }) =>
      ingestReaction(b, key, reaction, true),
    );
    flushTouches(b);
  }

  function deleteMessages(b: Batch, data: BaileysEventMap['messages.delete']): void {
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

  function deleteChats(b: Batch, list: BaileysEventMap['chats.delete']): void {
    each<string>(b, 'chats.delete', list, (id) => {
      const jid = canonicalJid(id, b.s.ctx);
      if (!jid || chatKind(jid) === 'channel') return;
      if (store.chats.delete(b.s.id, jid)) emit(b, 'chat.deleted', chatDeletedPayload(jid));
    });
  }

  function setSync(b: Batch, state: SyncState, progress: number | null): void {
    const row = store.sessions.update(b.s.id, progress === null ? { syncState: state } : { syncState: state, syncProgress: progress });
    emit(b, 'sync.progress', syncProgressPayload(state, row?.sync_progress ?? progress ?? 0));
  }

  function applyHistoryChunk(b: Batch, data: HistoryChunk): void {
    if (!data || typeof data !== 'object') {
      warn(b, 'messaging-history.set', new TypeError('not an object'));
      return;
    }
    each<{ lid: string; pn: string }>(b, 'messaging-history.set', data.lidPnMappings ?? [], (m) =>
      learnMapping(b, m?.lid, m?.pn),
    );
    each<WAContact>(b, 'messaging-history.set', data.contacts ?? [], (c) => upsertContact(b, c));
    each<WAChat>(b, 'messaging-history.set', data.chats ?? [], (c) =>
      upsertChat(b, c as WAChat & Record<string, unknown>, 'history'),
    );
    const messages = Array.isArray(data.messages) ? data.messages : [];
    const stats = b.stats;
    const ctx = b.s.ctx;
    // Edits and revokes inside history apply to their targets once the chunk's messages are stored.
    let actions: { m: WAMessage; action: ProtocolAction }[] | null = null;
    // Map and write one message at a time: a record dies young (measured: holding a chunk's records to
    // write them grouped by chat costs more in garbage collection than the index locality it buys).
    for (const m of messages) {
      try {
        const key = m.key;
        if (key && (key.remoteJidAlt || key.participantAlt)) harvestKey(b, key);
        const rec = mapMessage(m, ctx);
        if (!rec) {
          const action = protocolAction(m);
          if (action) (actions ??= []).push({ m, action });
          else stats.skipped++;
          continue;
        }
        storeHistory(b, rec);
        if (Array.isArray(m.reactions) && m.reactions.length) {
          for (const r of m.reactions) ingestReaction(b, key, r, false);
        }
      } catch (err) {
        stats.failed++;
        warn(b, 'messaging-history.set', err);
      }
    }
    if (actions) for (const { m, action } of actions) guard(b, 'messaging-history.set', () => applyProtocol(b, m, action));
    flushTouches(b);
    guard(b, 'messaging-history.set', () => {
      const p = data.progress;
      if (typeof p === 'number' && Number.isFinite(p)) {
        const progress = Math.max(0, Math.min(100, Math.round(p)));
        setSync(b, progress >= 100 ? 'complete' : 'syncing', progress);
      } else {
        setSync(b, 'syncing', null);
      }
    });
  }

  function historyStatus(b: Batch, data: BaileysEventMap['messaging-history.status']): void {
    if (!data || typeof data !== 'object') return;
    // Baileys reports the INITIAL_BOOTSTRAP part complete before the recent history even starts: that is
    // not the end of the sync, and the progress bar must not jump to 100 and back.
    if (data.status === 'complete' && data.syncType !== proto.HistorySync.HistorySyncType.INITIAL_BOOTSTRAP) {
      setSync(b, 'complete', 100);
    }
    else if (data.status === 'paused') setSync(b, 'paused', null);
  }

  function channelSettings(b: Batch, data: BaileysEventMap['newsletter-settings.update']): void {
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
  function channelSeen(b: Batch, data: { id?: unknown } | null | undefined): void {
    const jid = normalizeJid(data?.id);
    if (jid && chatKind(jid) === 'channel') store.channels.ensure(b.s.id, jid);
  }

  function groupsUpsert(b: Batch, list: unknown): void {
    each<{ id?: string; subject?: string; creation?: number }>(b, 'groups', list, (g) => {
      const jid = normalizeJid(g?.id);
      if (!jid || chatKind(jid) !== 'group') return;
      const subject = str(g.subject);
      store.chats.ensure(b.s.id, jid, 'group', subject);
    });
  }

  function groupsUpdate(b: Batch, list: unknown): void {
    each<{ id?: string; subject?: string }>(b, 'groups.update', list, (g) => {
      const jid = normalizeJid(g?.id);
      const subject = str(g?.subject);
      if (jid && subject && chatKind(jid) === 'group') store.chats.ensure(b.s.id, jid, 'group', subject);
    });
  }

  // ---------------------------------------------------------------------------------------------------
  // Entry points

  /** The order events of one batch are written in: identities, history, chats, messages, updates, deletes. */
  function writeBatch(b: Batch, events: EventBatch): void {
    const e = events as Record<string, unknown>;
    const step = (name: string, fn: () => void) => {
      if (e[name] !== undefined) guard(b, name, fn);
    };
    step('lid-mapping.update', () => {
      const v = e['lid-mapping.update'];
      for (const m of (Array.isArray(v) ? v : [v]) as { lid?: unknown; pn?: unknown }[]) {
        guard(b, 'lid-mapping.update', () => learnMapping(b, m?.lid, m?.pn));
      }
    });
    step('contacts.upsert', () => each<WAContact>(b, 'contacts.upsert', e['contacts.upsert'], (c) => upsertContact(b, c)));
    step('contacts.update', () =>
      each<Partial<WAContact>>(b, 'contacts.update', e['contacts.update'], (c) => upsertContact(b, c)),
    );
    step('messaging-history.set', () => applyHistoryChunk(b, events['messaging-history.set']!));
    step('chats.upsert', () =>
      each<WAChat>(b, 'chats.upsert', e['chats.upsert'], (c) => upsertChat(b, c as WAChat & Record<string, unknown>, 'upsert')),
    );
    step('groups.upsert', () => groupsUpsert(b, e['groups.upsert']));
    step('groups.update', () => groupsUpdate(b, e['groups.update']));
    step('newsletter-settings.update', () => channelSettings(b, events['newsletter-settings.update']!));
    step('newsletter.reaction', () => channelSeen(b, events['newsletter.reaction']));
    step('newsletter.view', () => channelSeen(b, events['newsletter.view']));
    step('newsletter-participants.update', () => channelSeen(b, events['newsletter-participants.update']));
    step('messages.upsert', () => upsertMessages(b, events['messages.upsert']!));
    step('messages.update', () => updateMessages(b, events['messages.update']!));
    step('message-receipt.update', () => updateReceipts(b, events['message-receipt.update']!));
    step('messages.reaction', () => reactions(b, events['messages.reaction']!));
    step('chats.update', () =>
      each<WAChat>(b, 'chats.update', e['chats.update'], (c) => upsertChat(b, c as WAChat & Record<string, unknown>, 'update')),
    );
    step('messages.delete', () => deleteMessages(b, events['messages.delete']!));
    step('chats.delete', () => deleteChats(b, events['chats.delete']!));
    step('messaging-history.status', () => historyStatus(b, events['messaging-history.status']!));
  }

  function handle(
    sessionId: string,
    events: EventBatch,
    user?: { id?: string | null; lid?: string | null } | null,
  ): IngestStats {
    const stats = emptyStats();
    if (!events || typeof events !== 'object') return stats;
    let s: SessionState;
    try {
      s = stateFor(sessionId);
      if (user) {
        const me = meIdentity(user);
        if (me) s.me = me;
      }
    } catch (err) {
      logger.warn({ sessionId, err }, 'ingest: session state unavailable; batch skipped');
      return stats;
    }
    s.unmapped.clear();
    s.names.clear();
    const b: Batch = { s, chats: new Map(), channels: new Map(), events: [], stats, warnings: 0, createdAt: now() };
    try {
      s.batch = b;
      store.transaction(() => writeBatch(b, events));
    } catch (err) {
      // Only a failed COMMIT gets here (every step is guarded): nothing was stored, so nothing is announced.
      logger.warn({ sessionId, err }, 'ingest: batch could not be committed');
      s.pnByLid.clear();
      s.lidByPn.clear();
      return stats;
    } finally {
      s.batch = null;
    }
    if (b.warnings > MAX_WARNINGS_PER_BATCH) {
      logger.warn({ sessionId, skipped: b.warnings }, 'ingest: more payloads skipped in this batch than logged');
    }
    if (!s.organizationId && b.events.length) {
      logger.warn({ sessionId }, 'ingest: session has no organization; realtime events dropped');
    }
    publishAll(b.events);
    return stats;
  }

  return {
    attach(sessionId: string, sock: SocketLike): () => void {
      const ev = sock.ev;
      let off: (() => void) | null = null;
      try {
        off = ev.process((events) => {
          handle(sessionId, events, sock.user);
        });
      } catch (err) {
        logger.warn({ sessionId, err }, 'ingest: could not subscribe to the socket events');
      }
      return () => {
        try {
          off?.();
        } catch {
          // already detached
        }
        off = null;
      };
    },
    handle,
    applyHistory(sessionId: string, data: HistoryChunk): IngestStats {
      return handle(sessionId, { 'messaging-history.set': data });
    },
    getMessageContent(sessionId: string, key: WAMessageKey): proto.IMessage | undefined {
      try {
        const id = key?.id;
        if (!id) return undefined;
        const raw = store.messages.raw(sessionId, id);
        return raw ? readRawContent(raw) : undefined;
      } catch (err) {
        logger.warn({ sessionId, err }, 'getMessage: stored payload could not be revived');
        return undefined;
      }
    },
    setMe(sessionId, user) {
      const me = meIdentity(user);
      if (me) stateFor(sessionId).me = me;
    },
    forget(sessionId: string): void {
      sessions.delete(sessionId);
    },
  };
}
