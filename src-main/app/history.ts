/**
 * History you can complete: how much of a chat is stored (coverage) and asking the phone for older messages
 * (backfill). The phone answers a backfill later, as an ON_DEMAND history set that ingestion stores
 * (src-main/whatsapp/ingest/history.ts onDemandAnswered): progress is 'sync.progress' with the chatJid,
 * and a chat whose start the phone reached is marked complete (chat_history.start_known).
 *
 * Gaps: holes between the stretches the archive is known to hold without one (history-gaps.ts has the rule
 * and why it is sound; ingestion records the stretches, whatsapp/ingest/coverage.ts). A backfill goes to the
 * newest gap first (the one a reader scrolling up meets first), anchored on the message after it; with no
 * gap, before the oldest stored message. `complete` needs both: the start reached and no gap left.
 */
import { syncProgressPayload } from '../core/event-payloads.js';
import type { EventPublisher } from '../core/events.js';
import type { BackfillRequest, ChatCoverage, Principal } from '../core/types.js';
import type { Store } from '../store/index.js';
import type { HistoryAnchor } from '../core/whatsapp-port.js';
import { requireCapability } from './access.js';
import { requireStoredChat } from './chats.js';
import { mergeSegments } from './history-gaps.js';
import type { SessionsService } from './sessions.js';

/** Messages asked for per backfill: what WhatsApp's own clients ask for when scrolling up. */
export const BACKFILL_COUNT = 50;

export type { BackfillRequest, ChatCoverage };

export type HistoryService = ReturnType<typeof createHistoryService>;

export function createHistoryService(deps: { store: Store; sessions: SessionsService; publisher: EventPublisher; now?: () => number }) {
  const { store, sessions, publisher } = deps;
  const now = deps.now ?? Date.now;

  function gapsOf(sessionId: string, jid: string) {
    return mergeSegments(store.chatHistory.segments(sessionId, jid));
  }

  /** Where a backfill goes back from: the message after the newest gap, else the oldest held. */
  function anchorFor(sessionId: string, jid: string): HistoryAnchor | null {
    const { runs, gaps } = gapsOf(sessionId, jid);
    const gap = gaps.at(-1);
    // The oldest stretch's first message rather than the oldest row: the answer must end on a message the
    // stretch starts with, or it could not be told to join it (history-gaps.ts).
    const on = gap ? { id: gap.before, at: gap.to } : runs[0] ? { id: runs[0].fromId, at: runs[0].fromAt } : null;
    if (on) {
      const row = store.messages.findSummaryInChat(sessionId, jid, on.id);
      return { waMessageId: on.id, fromMe: row?.from_me === 1, timestamp: on.at };
    }
    const extent = store.chatHistory.extent(sessionId, jid);
    return extent.oldestMessageId !== null && extent.oldestMessageAt !== null
      ? { waMessageId: extent.oldestMessageId, fromMe: extent.oldestFromMe, timestamp: extent.oldestMessageAt }
      : null;
  }

  return {
    coverage(p: Principal, sessionId: string, cid: string): ChatCoverage {
      requireCapability(p, 'read');
      const s = sessions.inOrg(p, sessionId);
      const jid = requireStoredChat(store, s.id, cid);
      const extent = store.chatHistory.extent(s.id, jid);
      // The times of the messages as stored (our own sends keep the millisecond of sending; the evidence has
      // WhatsApp's whole seconds).
      const storedAt = (id: string, fallback: number) => store.messages.find(s.id, jid, id)?.timestamp ?? fallback;
      const gaps = gapsOf(s.id, jid).gaps.map((g) => ({ ...g, from: storedAt(g.after, g.from), to: storedAt(g.before, g.to) }));
      return {
        chatJid: jid,
        oldestMessageId: extent.oldestMessageId,
        oldestMessageAt: extent.oldestMessageAt,
        newestMessageAt: extent.newestMessageAt,
        count: extent.count,
        complete: gaps.length === 0 && store.chatHistory.marks(s.id, jid).startKnown,
        gaps,
      };
    },

    /** 404 for a chat not stored, then 501 without a live client; resolves once the phone was asked. */
    async backfill(p: Principal, sessionId: string, cid: string): Promise<BackfillRequest> {
      requireCapability(p, 'send');
      const s = sessions.inOrg(p, sessionId);
      const jid = requireStoredChat(store, s.id, cid);
      const client = sessions.liveClient(s);
      const anchor = anchorFor(s.id, jid);
      // Recorded before asking: the answer may come back before fetchHistory resolves.
      store.chatHistory.markAsked(s.id, jid, now(), anchor ? { waMessageId: anchor.waMessageId, at: anchor.timestamp } : null);
      await client.fetchHistory(jid, anchor, BACKFILL_COUNT);
      publisher.publish({
        event: 'sync.progress',
        sessionId: s.id,
        organizationId: s.organizationId,
        payload: syncProgressPayload('syncing', 0, jid),
      });
      return { chatJid: jid, beforeMessageId: anchor?.waMessageId ?? null, count: BACKFILL_COUNT };
    },
  };
}
