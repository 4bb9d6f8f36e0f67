/**
 * The loaded messages of one conversation, oldest first, deduplicated by id. Pages arrive newest first from the
 * API and live events arrive one at a time; both go through here so order and uniqueness hold in one place.
 */
import type { Message } from '../api/types.js';

/** Sort order of the API's keyset: (timestamp, id). */
export function compareMessages(a: Pick<Message, 'timestamp' | 'id'>, b: Pick<Message, 'timestamp' | 'id'>): number {
  if (a.timestamp !== b.timestamp) return a.timestamp - b.timestamp;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/**
 * Merges messages into an oldest-first list. Incoming copies replace stored ones with the same id (a newer
 * version: edited, acked, deleted). Returns a new array; the input is not modified.
 */
export function mergeMessages(existing: readonly Message[], incoming: readonly Message[]): Message[] {
  if (incoming.length === 0) return existing.slice();
  if (incoming.length === 1) return upsertMessage(existing, incoming[0]!);
  const byId = new Map<string, Message>();
  for (const m of existing) byId.set(m.id, m);
  for (const m of incoming) byId.set(m.id, m);
  return [...byId.values()].sort(compareMessages);
}

/** Inserts or replaces one message, keeping order (binary search: cheap for live events on long lists). */
export function upsertMessage(existing: readonly Message[], message: Message): Message[] {
  const next = existing.slice();
  const at = next.findIndex((m) => m.id === message.id);
  if (at >= 0) {
    next.splice(at, 1);
  }
  let lo = 0;
  let hi = next.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (compareMessages(next[mid]!, message) <= 0) lo = mid + 1;
    else hi = mid;
  }
  next.splice(lo, 0, message);
  return next;
}

/** The fields a `message.status` event carries (API.md realtime). */
export interface MessageStatusUpdate {
  waMessageId: string;
  chatJid?: string;
  ackLevel?: number;
  status?: Message['status'];
  error?: string | null;
  edited?: boolean;
  deleted?: boolean;
  /** The new text of an edited message (API.md: `message.status` with `body` when `edited`). */
  body?: string;
}

/** Applies a status update in place of the matching message; returns the same array when nothing matched. */
export function applyStatusUpdate(existing: readonly Message[], update: MessageStatusUpdate): readonly Message[] {
  const at = existing.findIndex((m) => m.waMessageId === update.waMessageId || m.id === update.waMessageId);
  if (at < 0) return existing;
  const current = existing[at]!;
  const patched: Message = {
    ...current,
    ackLevel: update.ackLevel ?? current.ackLevel,
    status: update.status ?? current.status,
    error: update.error === undefined ? current.error : update.error,
    edited: update.edited ?? current.edited,
    deleted: update.deleted ?? current.deleted,
    body: update.edited && typeof update.body === 'string' ? update.body : current.body,
  };
  const next = existing.slice();
  next[at] = patched;
  return next;
}
