/**
 * Ingestion: Baileys data events (BAILEYS.md section 3) -> SQLite rows + realtime events. This is the entry
 * point; the work is split by responsibility in this folder: batch (plumbing), identity (LID <-> phone,
 * contacts, names), chats (chats, channels, groups), messages (live messages and their updates), history.
 *
 * One call of `handle` takes one consolidated event map (what the event buffer releases on flush) and
 * writes it in ONE synchronous transaction, in a fixed order that makes later steps see earlier ones:
 * mappings and contacts, history, chats, messages, updates, deletes. Realtime events are collected while
 * writing and published only after the commit, so nobody hears about a row that was rolled back.
 *
 * Robustness: every item of every event is guarded; a bad item is logged (with the session id) and
 * skipped, the rest of the batch is kept. Nothing here ever throws into Baileys' emitter.
 *
 * Speed: all SQL is prepared once, in the repositories (the history hot path uses their positional
 * statements); per-session caches answer the LID <-> phone and display-name lookups the mapper makes for
 * every message, so history sync does one INSERT per message and little else. forget(sessionId) drops all
 * of a session's caches: they live in its SessionState and nowhere else.
 */
import { proto, type BaileysEventMap, type Chat as WAChat, type Contact as WAContact, type WAMessageKey } from '@whiskeysockets/baileys';
import type { Logger } from 'pino';
import type { EventPublisher, GatewayEvent } from '../../core/events.js';
import type { Store } from '../../store/index.js';
import type { Ingestor } from '../ingest-port.js';
import { meIdentity } from '../../core/jid.js';
import { readRawContent } from '../raw-message.js';
import type { SocketLike } from '../socket.js';
import { each, emptyStats, guard, MAX_WARNINGS_PER_BATCH, type Batch, type IngestEnv, type IngestStats, type StoredMedia } from './batch.js';
import { channelSeen, channelSettings, deleteChats, upsertChat } from './chats.js';
import { flushSpans, newEpoch } from './coverage.js';
import { groupParticipants, groupsUpdate, groupsUpsert } from './groups.js';
import { applyHistoryChunk, historyStatus, type HistoryChunk } from './history.js';
import { createSessionState, learnMapping, upsertContact, type SessionState } from './identity.js';
import { deleteMessages, reactions, updateMessages, updateReceipts, upsertMessages } from './messages.js';

export type { IngestStats, StoredMedia } from './batch.js';
export type { HistoryChunk } from './history.js';
export { recordToMessage } from './messages.js';

export interface IngestorDeps {
  store: Store;
  publisher: EventPublisher;
  logger: Logger;
  /** Clock for createdAt (epoch ms); injectable for tests. */
  now?: () => number;
  /** Media messages of a committed batch (live and history): the media queue's onMessagesStored. */
  onMediaStored?: (sessionId: string, items: readonly StoredMedia[]) => void;
}

export type EventBatch = Partial<BaileysEventMap>;

export interface GatewayIngestor extends Ingestor {
  /** Ingests one consolidated event map (as `ev.process` delivers it) without a socket. Never throws. */
  handle(sessionId: string, events: EventBatch, user?: { id?: string | null; lid?: string | null } | null): IngestStats;
  /** One history chunk in one transaction: no 'message' events; publishes 'sync.progress'. Never throws. */
  applyHistory(sessionId: string, data: HistoryChunk): IngestStats;
  /** The stored content of a message for Baileys' getMessage (retries of our own sends), or undefined. */
  getMessageContent(sessionId: string, key: WAMessageKey): proto.IMessage | undefined;
  /** Sets our own identity (normally learned from sock.user or the session row). */
  setMe(sessionId: string, user: { id?: string | null; lid?: string | null } | null | undefined): void;
  /** Drops the per-session caches (session deleted or logged out). */
  forget(sessionId: string): void;
}

export function createIngestor(deps: IngestorDeps): GatewayIngestor {
  const { store, publisher, logger } = deps;
  const env: IngestEnv = { store, logger, now: deps.now ?? Date.now };
  const sessions = new Map<string, SessionState>();

  function stateFor(sessionId: string): SessionState {
    let s = sessions.get(sessionId);
    if (!s) {
      s = createSessionState(env, sessionId);
      sessions.set(sessionId, s);
    } else if (!s.organizationId) {
      const row = store.sessions.get(sessionId);
      if (row) {
        s.organizationId = row.organization_id;
        s.me ??= meIdentity({ id: row.wa_jid, lid: row.wa_lid });
      }
    }
    return s;
  }

  function publishAll(events: GatewayEvent[]): void {
    const publishEach = () => {
      for (const e of events) {
        try {
          publisher.publish(e);
        } catch (err) {
          logger.warn({ sessionId: e.sessionId, event: e.event, err }, 'realtime publish failed');
        }
      }
    };
    // The hub appends each event to the event log: one commit for the batch's events instead of one each (a
    // history chunk publishes dozens; autocommits were ~2.5 % of history ingestion, test/bench/ingest.ts).
    if (events.length <= 1) return publishEach();
    try {
      store.transaction(publishEach);
    } catch (err) {
      logger.warn({ err, events: events.length }, 'realtime events of a batch could not be logged');
    }
  }

  /** The order events of one batch are written in: identities, history, chats, messages, updates, deletes. */
  function writeBatch(b: Batch, events: EventBatch): void {
    const e = events as Record<string, unknown>;
    const step = (name: string, fn: () => void) => {
      if (e[name] !== undefined) guard(b, name, fn);
    };
    step('lid-mapping.update', () => {
      const v = e['lid-mapping.update'];
      for (const m of (Array.isArray(v) ? v : [v]) as { lid?: unknown; pn?: unknown }[]) {
        guard(b, 'lid-mapping.update', () => learnMapping(b, m?.lid, m?.pn));
      }
    });
    step('contacts.upsert', () => each<WAContact>(b, 'contacts.upsert', e['contacts.upsert'], (c) => upsertContact(b, c)));
    step('contacts.update', () =>
      each<Partial<WAContact>>(b, 'contacts.update', e['contacts.update'], (c) => upsertContact(b, c)),
    );
    step('messaging-history.set', () => applyHistoryChunk(b, events['messaging-history.set']!));
    step('chats.upsert', () =>
      each<WAChat>(b, 'chats.upsert', e['chats.upsert'], (c) => upsertChat(b, c as WAChat & Record<string, unknown>, 'upsert')),
    );
    step('groups.upsert', () => groupsUpsert(b, e['groups.upsert']));
    step('groups.update', () => groupsUpdate(b, e['groups.update']));
    step('group-participants.update', () => groupParticipants(b, events['group-participants.update']));
    step('newsletter-settings.update', () => channelSettings(b, events['newsletter-settings.update']!));
    step('newsletter.reaction', () => channelSeen(b, events['newsletter.reaction']));
    step('newsletter.view', () => channelSeen(b, events['newsletter.view']));
    step('newsletter-participants.update', () => channelSeen(b, events['newsletter-participants.update']));
    step('messages.upsert', () => upsertMessages(b, events['messages.upsert']!));
    step('messages.update', () => updateMessages(b, events['messages.update']!));
    step('message-receipt.update', () => updateReceipts(b, events['message-receipt.update']!));
    step('messages.reaction', () => reactions(b, events['messages.reaction']!));
    step('chats.update', () =>
      each<WAChat>(b, 'chats.update', e['chats.update'], (c) => upsertChat(b, c as WAChat & Record<string, unknown>, 'update')),
    );
    step('messages.delete', () => deleteMessages(b, events['messages.delete']!));
    step('chats.delete', () => deleteChats(b, events['chats.delete']!));
    step('messaging-history.status', () => historyStatus(b, events['messaging-history.status']!));
    guard(b, 'coverage', () => flushSpans(b));
  }

  function handle(
    sessionId: string,
    events: EventBatch,
    user?: { id?: string | null; lid?: string | null } | null,
  ): IngestStats {
    const stats = emptyStats();
    if (!events || typeof events !== 'object') return stats;
    let s: SessionState;
    try {
      s = stateFor(sessionId);
      if (user) {
        const me = meIdentity(user);
        if (me) s.me = me;
      }
    } catch (err) {
      logger.warn({ sessionId, err }, 'ingest: session state unavailable; batch skipped');
      return stats;
    }
    s.unmapped.clear();
    s.names.clear();
    const b: Batch = { s, chats: new Map(), channels: new Map(), events: [], stats, warnings: 0, createdAt: env.now() };
    try {
      s.batch = b;
      store.transaction(() => writeBatch(b, events));
    } catch (err) {
      // Only a failed COMMIT gets here (every step is guarded): nothing was stored, so nothing is announced.
      logger.warn({ sessionId, err }, 'ingest: batch could not be committed');
      s.pnByLid.clear();
      s.lidByPn.clear();
      return stats;
    } finally {
      s.batch = null;
    }
    if (b.warnings > MAX_WARNINGS_PER_BATCH) {
      logger.warn({ sessionId, skipped: b.warnings }, 'ingest: more payloads skipped in this batch than logged');
    }
    if (!s.organizationId && b.events.length) {
      logger.warn({ sessionId }, 'ingest: session has no organization; realtime events dropped');
    }
    publishAll(b.events);
    if (b.media?.length && deps.onMediaStored) {
      try {
        deps.onMediaStored(sessionId, b.media);
      } catch (err) {
        logger.warn({ sessionId, err }, 'ingest: media downloads could not be queued');
      }
    }
    return stats;
  }

  return {
    attach(sessionId: string, sock: SocketLike): () => void {
      const ev = sock.ev;
      let off: (() => void) | null = null;
      try {
        // One socket is one connection: its realtime traffic is one stretch of each chat (coverage.ts).
        newEpoch(stateFor(sessionId));
        off = ev.process((events) => {
          handle(sessionId, events, sock.user);
        });
      } catch (err) {
        logger.warn({ sessionId, err }, 'ingest: could not subscribe to the socket events');
      }
      return () => {
        try {
          off?.();
        } catch {
          // already detached
        }
        off = null;
      };
    },
    handle,
    applyHistory(sessionId: string, data: HistoryChunk): IngestStats {
      return handle(sessionId, { 'messaging-history.set': data });
    },
    getMessageContent(sessionId: string, key: WAMessageKey): proto.IMessage | undefined {
      try {
        const id = key?.id;
        if (!id) return undefined;
        const raw = store.messages.raw(sessionId, id);
        return raw ? readRawContent(raw) : undefined;
      } catch (err) {
        logger.warn({ sessionId, err }, 'getMessage: stored payload could not be revived');
        return undefined;
      }
    },
    setMe(sessionId, user) {
      const me = meIdentity(user);
      if (me) stateFor(sessionId).me = me;
    },
    forget(sessionId: string): void {
      sessions.delete(sessionId);
    },
  };
}
