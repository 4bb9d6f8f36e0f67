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
  if (data.syncType === SYNC.ON_DEMAND || (data.syncType as unknown) === 'ON_DEMAND') {
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

const SYNC = proto.HistorySync.HistorySyncType;

/**
 * The phone's answer to a backfill (Baileys' fetchMessageHistory, src-main/app/history.ts): it does not
 * change the session's sync state; each chat it names gets a 'sync.progress' with its chatJid, and a chat
 * whose start it reached (endOfHistoryTransfer, or no older messages at all) is marked complete.
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
  for (const jid of chats) {
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
