/**
 * Message pages in both directions (search "open the chat at this message"): `around` a message, and a
 * cursor that pages NEWER. Every cursor stays bound to its listing (core/cursor.ts); the direction is inside
 * the signed payload: ['newer', timestamp, pk] pages newer, the plain [timestamp, pk] of every list pages
 * older. Pages are always newest first; `prevCursor` (ours) is null when nothing newer is left.
 */
import type { CursorCodec } from '../core/cursor.js';
import { NotFoundError, ValidationError } from '../core/errors.js';
import type { Message } from '../core/types.js';
import type { Store } from '../store/index.js';
import { rowToMessage, type MessageKey, type MessageRow } from '../store/repositories/messages.js';
import type { PageOf } from './paging.js';

export interface WindowPageOf<Item> extends PageOf<Item> {
  /** Present on `around` pages and pages reached with a prevCursor: the cursor of the next NEWER page. */
  prevCursor?: string | null;
}

const NEWER = 'newer';
const keyOf = (r: MessageRow): MessageKey => ({ timestamp: r.timestamp, pk: r.pk });
const olderCursor = (c: CursorCodec, listing: string, r: MessageRow) => c.encode(listing, [r.timestamp, r.pk]);
const newerCursor = (c: CursorCodec, listing: string, r: MessageRow) => c.encode(listing, [NEWER, r.timestamp, r.pk]);

/** The key of a newer-direction cursor, or undefined when the cursor pages older (the common case). */
export function newerKey(position: (string | number)[]): MessageKey | undefined {
  if (position[0] !== NEWER) return undefined;
  const [, a, b] = position;
  if (position.length !== 3 || typeof a !== 'number' || typeof b !== 'number' || !Number.isSafeInteger(a) || !Number.isSafeInteger(b)) {
    throw new ValidationError('cursor is invalid or does not belong to this listing', { field: 'cursor' });
  }
  return { timestamp: a, pk: b };
}

interface WindowDeps {
  store: Store;
  cursors: CursorCodec;
}

/** Turns a stored row into the API's Message (the caller may also collect it, e.g. to add media details). */
export type ToMessage = (row: MessageRow) => Message;

/** The `limit` messages right after `key` (newer), newest first. */
export function newerPage(
  deps: WindowDeps,
  listing: string,
  sessionId: string,
  chatJid: string,
  limit: number,
  key: MessageKey,
  toMessage: ToMessage = rowToMessage,
): WindowPageOf<Message> {
  const rows = deps.store.messages.pageNewer(sessionId, chatJid, limit + 1, key);
  const more = rows.length > limit;
  if (more) rows.length = limit;
  rows.reverse();
  const newest = rows[0];
  const oldest = rows[rows.length - 1];
  // Older than the oldest row of this page is at least the row the cursor was issued at.
  const older = deps.store.messages.page(sessionId, chatJid, 1, oldest ? keyOf(oldest) : key);
  return {
    data: rows.map(toMessage),
    nextCursor: oldest && older.length ? olderCursor(deps.cursors, listing, oldest) : null,
    prevCursor: more && newest ? newerCursor(deps.cursors, listing, newest) : null,
  };
}

/** The page holding message `id` with about limit/2 newer and older messages around it, newest first. */
export function aroundPage(
  deps: WindowDeps,
  listing: string,
  sessionId: string,
  chatJid: string,
  limit: number,
  id: string,
  toMessage: ToMessage = rowToMessage,
): WindowPageOf<Message> {
  const target = deps.store.messages.find(sessionId, chatJid, id);
  if (!target) throw new NotFoundError('message not found in this chat', { messageId: id });
  const wantNewer = Math.floor((limit - 1) / 2);
  const newer = deps.store.messages.pageNewer(sessionId, chatJid, wantNewer + 1, keyOf(target));
  const moreNewer = newer.length > wantNewer;
  if (moreNewer) newer.length = wantNewer;
  // Older ones fill the rest of the page (more of them when the target is near the newest message).
  const wantOlder = limit - 1 - newer.length;
  const older = wantOlder > 0 ? deps.store.messages.page(sessionId, chatJid, wantOlder + 1, keyOf(target)) : [];
  const moreOlder = wantOlder > 0 ? older.length > wantOlder : deps.store.messages.page(sessionId, chatJid, 1, keyOf(target)).length > 0;
  if (older.length > wantOlder) older.length = wantOlder;
  const rows = [...newer.reverse(), target, ...older];
  const newest = rows[0]!;
  const oldest = rows[rows.length - 1]!;
  return {
    data: rows.map(toMessage),
    nextCursor: moreOlder ? olderCursor(deps.cursors, listing, oldest) : null,
    prevCursor: moreNewer ? newerCursor(deps.cursors, listing, newest) : null,
  };
}
