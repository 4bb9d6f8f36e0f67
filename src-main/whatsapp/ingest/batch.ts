/**
 * Batch plumbing of ingestion: one Batch is one consolidated event map written in one transaction. Every
 * item is guarded (a bad one is logged with the session id, counted, and skipped); realtime events are
 * collected here and published by index.ts only after the commit.
 */
import type { Logger } from 'pino';
import { messageStatusPayload } from '../../core/event-payloads.js';
import type { EventPayloads, GatewayEvent, RealtimeEventName } from '../../core/events.js';
import type { MessageRecord } from '../../core/types.js';
import type { Store } from '../../store/index.js';
import type { SessionState } from './identity.js';

/** What ingestion works with, the same for every session of one ingestor. */
export interface IngestEnv {
  store: Store;
  logger: Logger;
  /** Clock for createdAt (epoch ms). */
  now: () => number;
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

export interface ChatTouch {
  type: 'dm' | 'group';
  lastMessageAt: number;
  unread: number;
  /** Push name of the peer, a name for a DM chat created by this batch when no contact name exists. */
  nameHint: string | null;
}

/** A media message stored by a batch, for the media queue once the batch is committed (media/queue.ts). */
export interface StoredMedia {
  chatJid: string;
  waMessageId: string;
  kind: 'image' | 'video' | 'audio' | 'document' | 'sticker';
  size: number | null;
  history: boolean;
  /** The stored row's pk (the media queue inserts its job by it). */
  messagePk: number;
}

export interface Batch {
  s: SessionState;
  /** Media messages stored by this batch (filled by ingest/messages.ts, handed on after the commit). */
  media?: StoredMedia[];
  chats: Map<string, ChatTouch>;
  channels: Map<string, number>;
  events: GatewayEvent[];
  stats: IngestStats;
  warnings: number;
  createdAt: number;
  /**
   * Coverage (coverage.ts): the segment the messages being stored belong to (undefined: the connection's
   * realtime segment; null: none), and the stretches gathered per segment and chat, written once per batch.
   */
  segment?: string | null;
  spans?: Map<string, Span>;
}

/** The stretch of one chat a batch saw in one segment (coverage.ts). */
export interface Span {
  segment: string;
  chatJid: string;
  fromAt: number;
  fromId: string;
  toAt: number;
  toId: string;
}

export const MAX_WARNINGS_PER_BATCH = 5;

export function emptyStats(): IngestStats {
  return { inserted: 0, duplicates: 0, replaced: 0, skipped: 0, failed: 0 };
}

/** A non-empty string, else null. */
export const str = (v: unknown): string | null => (typeof v === 'string' && v.length > 0 ? v : null);

export function emit<E extends RealtimeEventName>(b: Batch, event: E, payload: EventPayloads[E]): void {
  if (!b.s.organizationId) return;
  b.events.push({ event, sessionId: b.s.id, organizationId: b.s.organizationId, payload } as GatewayEvent);
}

export function warn(b: Batch, what: string, err: unknown): void {
  const { logger } = b.s.env;
  b.warnings++;
  if (b.warnings <= MAX_WARNINGS_PER_BATCH) {
    logger.warn({ sessionId: b.s.id, event: what, err }, 'skipped a payload that could not be ingested');
  }
}

/** Runs one item; a throw is logged and counted, never propagated. */
export function guard(b: Batch, what: string, fn: () => void): void {
  try {
    fn();
  } catch (err) {
    b.stats.failed++;
    warn(b, what, err);
  }
}

export function each<T>(b: Batch, what: string, list: unknown, fn: (item: T) => void): void {
  if (!Array.isArray(list)) {
    if (list !== undefined && list !== null) warn(b, what, new TypeError('expected an array'));
    return;
  }
  for (const item of list as T[]) guard(b, what, () => fn(item));
}

export function emitStatus(b: Batch, pk: number): void {
  const { store } = b.s.env;
  const row = store.messages.get(pk);
  if (row) emit(b, 'message.status', messageStatusPayload(row));
}

const MEDIA_TYPES = new Set(['image', 'video', 'audio', 'document', 'sticker']);

/** Notes a stored message with media for the media queue (nothing for other types). */
export function noteMedia(b: Batch, rec: MessageRecord, pk: number, history: boolean): void {
  if (!rec.media || rec.placeholder || !MEDIA_TYPES.has(rec.type)) return;
  (b.media ??= []).push({
    chatJid: rec.chatJid,
    waMessageId: rec.waMessageId,
    kind: rec.type as StoredMedia['kind'],
    size: rec.media.size,
    history,
    messagePk: pk,
  });
}
