import type { Db } from '../database.js';
import { outboxFor } from './webhooks.js';

export interface EventRow {
  seq: number;
  id: string;
  organization_id: string;
  session_id: string | null;
  event: string;
  payload: string;
  timestamp: number;
}

export type EventsRepository = ReturnType<typeof createEventsRepository>;

/** The bounded realtime event log: resumable with after=<event id>. */
export function createEventsRepository(db: Db) {
  const insert = db.prepare(
    'INSERT INTO events (id, organization_id, session_id, event, payload, timestamp) VALUES (?, ?, ?, ?, ?, ?)',
  );
  const seqOf = db.prepare('SELECT seq FROM events WHERE id = ?');
  const after = db.prepare('SELECT * FROM events WHERE organization_id = ? AND seq > ? ORDER BY seq LIMIT ?');
  const maxSeq = db.prepare('SELECT coalesce(max(seq), 0) AS s FROM events');
  const prune = db.prepare('DELETE FROM events WHERE seq <= ?');
  // Webhook deliveries of an event are written with it (the outbox, repositories/webhooks.ts): both rows or none.
  const outbox = outboxFor(db);
  const insertWithDeliveries = db.transaction(
    (
      e: { id: string; organizationId: string; sessionId: string | null; event: string; payload: string; timestamp: number },
      endpointIds: readonly string[],
    ): number => {
      const seq = Number(insert.run(e.id, e.organizationId, e.sessionId, e.event, e.payload, e.timestamp).lastInsertRowid);
      const row = { id: e.id, organization_id: e.organizationId, session_id: e.sessionId, event: e.event, payload: e.payload, timestamp: e.timestamp };
      outbox.fanOut(row, e.timestamp, endpointIds);
      return seq;
    },
  );
  return {
    append(e: { id: string; organizationId: string; sessionId: string | null; event: string; payload: string; timestamp: number }): number {
      // Without a matching endpoint (the common case) the event is one autocommit INSERT, as before the outbox.
      // (One connection, synchronous: nothing can change the endpoints between this match and the insert.)
      const endpointIds = outbox.matching(e.organizationId, e.event, e.sessionId);
      if (endpointIds.length === 0) {
        return Number(insert.run(e.id, e.organizationId, e.sessionId, e.event, e.payload, e.timestamp).lastInsertRowid);
      }
      return insertWithDeliveries(e, endpointIds);
    },
    seqOf(id: string): number | undefined {
      return (seqOf.get(id) as { seq: number } | undefined)?.seq;
    },
    after(organizationId: string, seq: number, limit: number): EventRow[] {
      return after.all(organizationId, seq, limit) as EventRow[];
    },
    /** Keeps the newest `keep` events. */
    prune(keep: number): number {
      const top = (maxSeq.get() as { s: number }).s;
      return prune.run(top - keep).changes;
    },
  };
}
