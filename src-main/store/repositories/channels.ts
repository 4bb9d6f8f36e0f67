import type { Db } from '../database.js';
import type { Channel } from '../../core/types.js';

export interface ChannelKey {
  lastMessageAt: number;
  jid: string;
}

export interface ChannelRow {
  session_id: string;
  jid: string;
  name: string | null;
  description: string | null;
  subscribers: number | null;
  following: number;
  invite: string | null;
  last_message_at: number;
  created_at: number | null;
}

export interface ChannelUpsert {
  jid: string;
  name?: string | null | undefined;
  description?: string | null | undefined;
  subscribers?: number | null | undefined;
  following?: boolean | undefined;
  invite?: string | null | undefined;
  createdAt?: number | null | undefined;
}

const COLUMNS = 'session_id, jid, name, description, subscribers, following, invite, last_message_at, created_at';

export function rowToChannel(r: ChannelRow): Channel {
  return {
    jid: r.jid,
    name: r.name,
    description: r.description,
    subscribers: r.subscribers,
    following: r.following === 1,
    lastMessageAt: r.last_message_at > 0 ? r.last_message_at : null,
    sessionId: r.session_id,
  };
}

export type ChannelsRepository = ReturnType<typeof createChannelsRepository>;

export function createChannelsRepository(db: Db) {
  // Only the fields given (non-undefined) overwrite stored ones.
  const upsert = db.prepare(
    `INSERT INTO channels (session_id, jid, name, description, subscribers, following, invite, created_at)
     VALUES (@sessionId, @jid, @name, @description, @subscribers, coalesce(@following, 0), @invite, @createdAt)
     ON CONFLICT (session_id, jid) DO UPDATE SET
       name = CASE WHEN @setName THEN excluded.name ELSE channels.name END,
       description = CASE WHEN @setDescription THEN excluded.description ELSE channels.description END,
       subscribers = CASE WHEN @setSubscribers THEN excluded.subscribers ELSE channels.subscribers END,
       following = coalesce(@following, channels.following),
       invite = CASE WHEN @setInvite THEN excluded.invite ELSE channels.invite END,
       created_at = coalesce(channels.created_at, excluded.created_at)`,
  );
  const get = db.prepare(`SELECT ${COLUMNS} FROM channels WHERE session_id = ? AND jid = ?`);
  const touch = db.prepare(
    'UPDATE channels SET last_message_at = max(last_message_at, ?) WHERE session_id = ? AND jid = ?',
  );
  const ensure = db.prepare('INSERT INTO channels (session_id, jid) VALUES (?, ?) ON CONFLICT (session_id, jid) DO NOTHING');
  const firstPage = db.prepare(
    `SELECT ${COLUMNS} FROM channels WHERE session_id = ? ORDER BY last_message_at DESC, jid DESC LIMIT ?`,
  );
  const nextPage = db.prepare(
    `SELECT ${COLUMNS} FROM channels WHERE session_id = ? AND (last_message_at, jid) < (?, ?)
     ORDER BY last_message_at DESC, jid DESC LIMIT ?`,
  );

  return {
    upsert(sessionId: string, c: ChannelUpsert): void {
      upsert.run({
        sessionId,
        jid: c.jid,
        name: c.name ?? null,
        description: c.description ?? null,
        subscribers: c.subscribers ?? null,
        following: c.following === undefined ? null : c.following ? 1 : 0,
        invite: c.invite ?? null,
        createdAt: c.createdAt ?? null,
        setName: c.name !== undefined ? 1 : 0,
        setDescription: c.description !== undefined ? 1 : 0,
        setSubscribers: c.subscribers !== undefined ? 1 : 0,
        setInvite: c.invite !== undefined ? 1 : 0,
      });
    },
    /** Creates the channel row if missing (a post or a notification proves the channel exists). */
    ensure(sessionId: string, jid: string): void {
      ensure.run(sessionId, jid);
    },
    getRow(sessionId: string, jid: string): ChannelRow | undefined {
      return get.get(sessionId, jid) as ChannelRow | undefined;
    },
    get(sessionId: string, jid: string): Channel | undefined {
      const r = get.get(sessionId, jid) as ChannelRow | undefined;
      return r ? rowToChannel(r) : undefined;
    },
    touch(sessionId: string, jid: string, timestamp: number): void {
      touch.run(timestamp, sessionId, jid);
    },
    page(sessionId: string, limit: number, after?: ChannelKey): ChannelRow[] {
      return (
        after ? nextPage.all(sessionId, after.lastMessageAt, after.jid, limit) : firstPage.all(sessionId, limit)
      ) as ChannelRow[];
    },
  };
}
