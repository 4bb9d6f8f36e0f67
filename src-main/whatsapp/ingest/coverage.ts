/**
 * Coverage evidence: which stretches of each chat arrived without a hole (chat_segments, migration 012; the
 * rule and why it holds are in src-main/app/history-gaps.ts). Ingestion notes every stored timeline message
 * under the segment it came by, gathers the stretch per segment and chat in the batch, and writes it once
 * per batch (one upsert per chat, not per message):
 *
 * - realtime messages: the current connection's segment (`SessionState.epoch`, new for every socket the
 *   ingestor is attached to; index.ts attach);
 * - history sync: the segment of the connection its first chunk arrived on (history_sync_runs),
 *   so the snapshot and the realtime after it are one stretch and chunks may come in any order;
 * - a backfill answer (ON_DEMAND): not here; history.ts turns it into the stretch that ends on the message
 *   the backfill was anchored on (`takeSpans`, then `extendSegment`).
 */
import { randomBytes } from 'node:crypto';
import type { MessageRecord } from '../../core/types.js';
import type { Batch, Span } from './batch.js';
import type { SessionState } from './identity.js';

/** The segment of a backfill answer's messages while the chunk is written (history.ts picks them up). */
export const ON_DEMAND_SEGMENT = 'on-demand';

/** A new realtime segment: one per connection (socket). */
export function newEpoch(s: SessionState): void {
  s.epoch = `c:${s.env.now()}:${randomBytes(4).toString('hex')}`;
}

export function liveSegment(s: SessionState): string {
  if (!s.epoch) newEpoch(s);
  return s.epoch!;
}

/**
 * The segment of a (non on-demand) history chunk. The first chunk of a pairing's sync (Baileys' `isLatest`:
 * no history notification processed yet on these creds) starts the sync on the current connection; later
 * chunks join it, even those that arrive on another connection after an interruption.
 */
export function historySegment(b: Batch, firstOfSync: boolean): string {
  const { store } = b.s.env;
  const run = firstOfSync ? null : store.chatHistory.syncRun(b.s.id);
  if (run) return run;
  const segment = liveSegment(b.s);
  store.chatHistory.setSyncRun(b.s.id, segment);
  return segment;
}

/** Notes a stored (or already stored) message as seen in the batch's current segment. */
export function noteSpan(b: Batch, rec: MessageRecord): void {
  // Reactions are not timeline messages: a reaction today to last year's message says nothing about the days between.
  if (rec.type === 'reaction' || !rec.waMessageId || !Number.isFinite(rec.timestamp)) return;
  const segment = b.segment === undefined ? liveSegment(b.s) : b.segment;
  if (!segment) return;
  const key = `${segment}\u0000${rec.chatJid}`;
  const spans = (b.spans ??= new Map());
  const span = spans.get(key);
  if (!span) {
    spans.set(key, { segment, chatJid: rec.chatJid, fromAt: rec.timestamp, fromId: rec.waMessageId, toAt: rec.timestamp, toId: rec.waMessageId });
    return;
  }
  if (rec.timestamp < span.fromAt) {
    span.fromAt = rec.timestamp;
    span.fromId = rec.waMessageId;
  }
  if (rec.timestamp > span.toAt) {
    span.toAt = rec.timestamp;
    span.toId = rec.waMessageId;
  }
}

/** Removes and returns the spans of one segment (a backfill answer's, for history.ts). */
export function takeSpans(b: Batch, segment: string): Span[] {
  const out: Span[] = [];
  if (!b.spans) return out;
  for (const [key, span] of b.spans) {
    if (span.segment !== segment) continue;
    out.push(span);
    b.spans.delete(key);
  }
  return out;
}

/** Writes the batch's stretches (inside its transaction). */
export function flushSpans(b: Batch): void {
  if (!b.spans?.size) return;
  const { store } = b.s.env;
  for (const span of b.spans.values()) {
    if (span.segment === ON_DEMAND_SEGMENT) continue; // history.ts took them; leftovers have no anchor
    store.chatHistory.extendSegment(b.s.id, span.chatJid, span.segment, { at: span.fromAt, id: span.fromId }, { at: span.toAt, id: span.toId });
  }
  b.spans.clear();
}
