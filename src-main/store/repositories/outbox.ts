import type { Db } from '../database.js';

/**
 * What a send asked for, minus the media bytes (kept in the media store under `sha256`): enough to build the
 * same WhatsApp content again for a retry. Written by the WhatsApp adapter with the pending message.
 */
export type OutboxSpec =
  | { type: 'text'; to: string; text: string; replyTo?: string | undefined; mentions?: string[] | undefined }
  | {
      type: 'image' | 'video' | 'audio' | 'document' | 'sticker';
      to: string;
      sha256: string;
      mimetype: string;
      filename?: string | undefined;
      caption?: string | undefined;
      ptt?: boolean | undefined;
      replyTo?: string | undefined;
    }
  | {
      type: 'location';
      to: string;
      latitude: number;
      longitude: number;
      name?: string | undefined;
      address?: string | undefined;
      replyTo?: string | undefined;
    }
  | { type: 'poll'; to: string; name: string; options: string[]; selectableCount: number }
  | { type: 'reaction'; to: string; messageId: string; emoji: string }
  | { type: 'forward'; to: string; messageId: string; fromChat: string };

export type OutboxRepository = ReturnType<typeof createOutboxRepository>;

export function createOutboxRepository(db: Db) {
  const put = db.prepare(`INSERT INTO outbox (message_pk, session_id, spec, attempts, created_at, updated_at)
    VALUES (?, ?, ?, 1, ?, ?)
    ON CONFLICT (message_pk) DO UPDATE SET spec = excluded.spec, updated_at = excluded.updated_at`);
  const get = db.prepare('SELECT spec FROM outbox WHERE message_pk = ?').pluck();
  const bump = db.prepare('UPDATE outbox SET attempts = attempts + 1, updated_at = ? WHERE message_pk = ?');

  return {
    put(messagePk: number, sessionId: string, spec: OutboxSpec, now: number): void {
      put.run(messagePk, sessionId, JSON.stringify(spec), now, now);
    },
    /** The spec of a message we sent, or undefined (not sent through the API, or unreadable). */
    get(messagePk: number): OutboxSpec | undefined {
      const raw = get.get(messagePk) as string | undefined;
      if (!raw) return undefined;
      try {
        return JSON.parse(raw) as OutboxSpec;
      } catch {
        return undefined;
      }
    },
    /** One more attempt (a retry). */
    attempted(messagePk: number, now: number): void {
      bump.run(now, messagePk);
    },
  };
}
