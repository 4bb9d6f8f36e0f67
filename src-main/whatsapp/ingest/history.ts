/**
 * History sync (messaging-history.set / .status): one chunk in the batch's transaction, no 'message'
 * events, progress published as 'sync.progress'.
 */
import { proto, type BaileysEventMap, type Chat as WAChat, type Contact as WAContact, type WAMessage } from '@whiskeysockets/baileys';
import { syncProgressPayload } from '../../core/event-payloads.js';
import type { SyncState } from '../../core/types.js';
import { canonicalChatJid } from '../../core/jid.js';
import { mapMessage, protocolAction, type ProtocolAction } from '../mapper.js';
import { each, emit, guard, warn, type Batch } from './batch.js';
import { flushTouches, upsertChat } from './chats.js';
import { historyGroup } from './groups.js';
import { harvestKey, learnMapping, upsertContact } from './identity.js';
import { applyProtocol, ingestReaction, storeHistory } from './messages.js';
import { historySegment, ON_DEMAND_SEGMENT, takeSpans } from './coverage.js';

export type HistoryChunk = BaileysEventMap['messaging-history.set'];

export function setSync(b: Batch, state: SyncState, progress: number | null): void {
  const { store } = b.s.env;
  const row = store.sessions.update(b.s.id, progress === null ? { syncState: state } : { syncState: state, syncProgress: progress });
  emit(b, 'sync.progress', syncProgressPayload(state, row?.sync_progress ?? progress ?? 0));
}

export function applyHistoryChunk(b: Batch, data: HistoryChunk): void {
  if (!data || typeof data !== 'object') {
    warn(b, 'messaging-history.set', new TypeError('not an object'));
    return;
  }
  each<{ lid: string; pn: string }>(b, 'messaging-history.set', data.lidPnMappings ?? [], (m) =>
    learnMapping(b, m?.lid, m?.pn),
  );
  each<WAContact>(b, 'messaging-history.set', data.contacts ?? [], (c) => upsertContact(b, c));
  each<WAChat>(b, 'messaging-history.set', data.chats ?? [], (c) => {
    upsertChat(b, c as WAChat & Record<string, unknown>, 'history');
    historyGroup(b, c as WAChat & Record<string, unknown>);
  });
  const messages = Array.isArray(data.messages) ? data.messages : [];
  const onDemand = data.syncType === SYNC.ON_DEMAND || (data.syncType as unknown) === 'ON_DEMAND';
  const outer = b.segment;
  // Coverage (coverage.ts): a sync's chunks form one stretch with the connection it began on; a backfill
  // answer's messages are set apart and anchored in onDemandAnswered.
  b.segment = onDemand ? ON_DEMAND_SEGMENT : messages.length ? historySegment(b, data.isLatest === true) : null;
  try {
    storeChunkMessages(b, messages);
  } finally {
    b.segment = outer;
  }
  flushTouches(b);
  if (onDemand) {
    guard(b, 'messaging-history.set', () => onDemandAnswered(b, data));
    return;
  }
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

function storeChunkMessages(b: Batch, messages: WAMessage[]): void {
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
}

const SYNC = proto.HistorySync.HistorySyncType;

/**
 * The phone's answer to a backfill (Baileys' fetchMessageHistory, src-main/app/history.ts): it does not
 * change the session's sync state; each chat it names gets a 'sync.progress' with its chatJid, and a chat
 * whose start it reached (endOfHistoryTransfer, or no older messages at all) is marked complete.
 * Coverage: the answer is the stretch just before the message the backfill was anchored on, so it is stored
 * as one segment from its oldest message up to that anchor (which closes the gap the anchor bounded); when
 * it reaches the chat's start, down to the oldest message stored. An answer nobody asked for (no anchor, or
 * one older than the answer) vouches only for itself.
 */
function onDemandAnswered(b: Batch, data: HistoryChunk): void {
  const { store } = b.s.env;
  const chats = new Set<string>();
  const reachedStart = new Set<string>();
  const withMessages = new Set<string>();
  for (const m of Array.isArray(data.messages) ? data.messages : []) {
    const jid = m?.key ? canonicalChatJid(m.key, b.s.ctx) : null;
    if (jid) withMessages.add(jid);
  }
  for (const c of Array.isArray(data.chats) ? data.chats : []) {
    const jid = canonicalChatJid({ remoteJid: c?.id ?? null }, b.s.ctx);
    if (!jid) continue;
    chats.add(jid);
    if ((c as { endOfHistoryTransfer?: boolean | null }).endOfHistoryTransfer === true || !withMessages.has(jid)) reachedStart.add(jid);
  }
  for (const jid of withMessages) chats.add(jid);
  const spans = new Map(takeSpans(b, ON_DEMAND_SEGMENT).map((span) => [span.chatJid, span]));
  for (const jid of spans.keys()) chats.add(jid);
  for (const jid of chats) {
    const span = spans.get(jid);
    const anchor = store.chatHistory.backfillAnchor(b.s.id, jid);
    const anchored = anchor !== null && (!span || anchor.at >= span.toAt);
    const to = anchored ? { at: anchor.at, id: anchor.waMessageId } : span ? { at: span.toAt, id: span.toId } : null;
    let from = span ? { at: span.fromAt, id: span.fromId } : null;
    // The phone went back to the chat's start from the anchor: nothing before it is missing here, so the
    // stretch reaches down to the oldest message stored (even with an empty answer).
    if (anchored && reachedStart.has(jid)) {
      const oldest = store.chatHistory.extent(b.s.id, jid);
      if (oldest.oldestMessageId !== null && oldest.oldestMessageAt !== null && (!from || oldest.oldestMessageAt < from.at)) {
        from = { at: oldest.oldestMessageAt, id: oldest.oldestMessageId };
      }
    }
    if (from && to && from.at <= to.at) store.chatHistory.extendSegment(b.s.id, jid, `b:${to.id}`, from, to);
    if (reachedStart.has(jid)) store.chatHistory.markStartKnown(b.s.id, jid);
    // With a chatJid, state and progress are those of the chat's backfill, not of the session's sync.
    emit(b, 'sync.progress', syncProgressPayload('complete', 100, jid));
  }
}

export function historyStatus(b: Batch, data: BaileysEventMap['messaging-history.status']): void {
  if (!data || typeof data !== 'object') return;
  // Baileys reports the INITIAL_BOOTSTRAP part complete before the recent history even starts: that is
  // not the end of the sync, and the progress bar must not jump to 100 and back.
  if (data.status === 'complete' && data.syncType !== proto.HistorySync.HistorySyncType.INITIAL_BOOTSTRAP) {
    setSync(b, 'complete', 100);
  }
  else if (data.status === 'paused') setSync(b, 'paused', null);
}
