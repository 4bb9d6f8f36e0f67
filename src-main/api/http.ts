/** Small request helpers shared by the resource modules: paging, JID params, input parsing. */
import type { z } from 'zod';
import { NotFoundError, ValidationError } from '../core/errors.js';
import type { CursorCodec } from '../core/cursor.js';
import type { Session } from '../core/types.js';
import { readJson } from './middleware/body.js';
import type { SessionService } from './ports.js';
import type { ApiContext } from './state.js';

export const DEFAULT_LIMIT = 50;
export const MAX_LIMIT = 200;

/** API.md: missing or 0 -> 50; clamped to 1..200 (so negative -> 1); not an integer -> 400. */
export function parseLimit(raw: unknown): number {
  if (raw === undefined || raw === '') return DEFAULT_LIMIT;
  if (typeof raw !== 'string' || !/^[+-]?\d{1,15}$/.test(raw.trim())) {
    throw new ValidationError('limit must be an integer', { field: 'limit', value: Array.isArray(raw) ? raw : String(raw) });
  }
  const n = Number(raw.trim());
  if (n === 0) return DEFAULT_LIMIT;
  return Math.min(MAX_LIMIT, Math.max(1, n));
}

export interface PageRequest {
  limit: number;
  /** The decoded cursor position, or undefined for the first page. */
  after: (string | number)[] | undefined;
}

/** Reads limit and cursor; the cursor must have been issued for this exact listing. */
export function parsePage(ctx: ApiContext, cursors: CursorCodec, listing: string): PageRequest {
  const limit = parseLimit(ctx.query.limit);
  const rawCursor = ctx.query.cursor;
  if (rawCursor === undefined || rawCursor === '') return { limit, after: undefined };
  if (typeof rawCursor !== 'string') throw new ValidationError('cursor must be given once', { field: 'cursor' });
  return { limit, after: cursors.decode(listing, rawCursor) };
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
export function activityPosition(after: (string | number)[] | undefined): [number, string] | undefined {
  if (!after) return undefined;
  const [a, b] = after;
  if (after.length !== 2 || typeof a !== 'number' || typeof b !== 'string') {
    throw new ValidationError('cursor is invalid or does not belong to this listing', { field: 'cursor' });
  }
  return [a, b];
}

/**
 * One page of a keyset listing, newest first. Fetches one row more than asked to know whether another page
 * exists (so the last page says nextCursor: null); the cursor names the last row returned and is bound to
 * `listing`.
 */
export function keysetPage<Row, Key, Item>(
  ctx: ApiContext,
  cursors: CursorCodec,
  listing: string,
  spec: {
    key: (after: (string | number)[] | undefined) => Key | undefined;
    fetch: (limit: number, after: Key | undefined) => Row[];
    position: (row: Row) => (string | number)[];
    toItem: (row: Row) => Item;
  },
): { data: Item[]; nextCursor: string | null } {
  const page = parsePage(ctx, cursors, listing);
  const rows = spec.fetch(page.limit + 1, spec.key(page.after));
  const more = rows.length > page.limit;
  if (more) rows.length = page.limit;
  const last = rows[rows.length - 1];
  return {
    data: rows.map(spec.toItem),
    nextCursor: more && last !== undefined ? cursors.encode(listing, spec.position(last)) : null,
  };
}

/** Parses the JSON body with a schema; failures list the offending fields. */
export function parseBody<T extends z.ZodType>(ctx: ApiContext, schema: T, status: 400 | 422 = 400): z.infer<T> {
  const raw = readJson(ctx);
  const result = schema.safeParse(raw === undefined ? {} : raw);
  if (!result.success) {
    const issues = result.error.issues.map((i) => ({ path: i.path.join('.') || '(body)', message: i.message }));
    const first = issues[0];
    throw new ValidationError(
      first ? `invalid request body: ${first.path}: ${first.message}` : 'invalid request body',
      { issues },
      status,
    );
  }
  return result.data;
}

/** Looks up the session in the caller's organization (another org's session is a 404, never a 403). */
export function sessionOf(ctx: ApiContext, sessions: SessionService, organizationId: string): Session {
  const id = ctx.params.session;
  if (typeof id !== 'string') throw new NotFoundError('session not found');
  return sessions.get(organizationId, id);
}

export function noContent(ctx: ApiContext): void {
  ctx.status = 204;
  ctx.body = null;
}
