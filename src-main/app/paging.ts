/**
 * Keyset paging, a rule of every stored listing: newest first, one row more than asked fetched to know
 * whether another page exists, and an opaque cursor bound to the listing it was issued for.
 */
import type { CursorCodec } from '../core/cursor.js';
import { ValidationError } from '../core/errors.js';

/** What a caller asks of a listing: a clamped limit (the door parses it) and the cursor it was given, if any. */
export interface PageInput {
  limit: number;
  cursor?: string | undefined;
}

export interface PageOf<Item> {
  data: Item[];
  nextCursor: string | null;
}

/** A keyset position of numbers [n, n] (messages: timestamp, pk). */
export function numericPosition(after: (string | number)[] | undefined): [number, number] | undefined {
  if (!after) return undefined;
  const [a, b] = after;
  if (after.length !== 2 || typeof a !== 'number' || typeof b !== 'number' || !Number.isSafeInteger(a) || !Number.isSafeInteger(b)) {
    throw new ValidationError('cursor is invalid or does not belong to this listing', { field: 'cursor' });
  }
  return [a, b];
}

/** A keyset position of [number, string] (chats/channels: lastMessageAt, jid). */
export function activityKey(after: (string | number)[] | undefined): { lastMessageAt: number; jid: string } | undefined {
  if (!after) return undefined;
  const [a, b] = after;
  if (after.length !== 2 || typeof a !== 'number' || typeof b !== 'string') {
    throw new ValidationError('cursor is invalid or does not belong to this listing', { field: 'cursor' });
  }
  return { lastMessageAt: a, jid: b };
}

export function keysetPage<Row, Key, Item>(
  cursors: CursorCodec,
  listing: string,
  page: PageInput,
  spec: {
    key: (after: (string | number)[] | undefined) => Key | undefined;
    fetch: (limit: number, after: Key | undefined) => Row[];
    position: (row: Row) => (string | number)[];
    toItem: (row: Row) => Item;
  },
): PageOf<Item> {
  const after = page.cursor === undefined || page.cursor === '' ? undefined : cursors.decode(listing, page.cursor);
  const rows = spec.fetch(page.limit + 1, spec.key(after));
  const more = rows.length > page.limit;
  if (more) rows.length = page.limit;
  const last = rows[rows.length - 1];
  return {
    data: rows.map(spec.toItem),
    nextCursor: more && last !== undefined ? cursors.encode(listing, spec.position(last)) : null,
  };
}
