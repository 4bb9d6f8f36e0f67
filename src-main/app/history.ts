/**
 * History you can complete: how much of a chat is stored (coverage) and asking the phone for older messages
 * (backfill). The phone answers a backfill later, as an ON_DEMAND history set that ingestion stores
 * (src-main/whatsapp/ingest/history.ts onDemandAnswered): progress is 'sync.progress' with the chatJid,
 * and a chat whose start the phone reached is marked complete (chat_history.start_known).
 *
 * Gaps: the gateway does not record history-sync chunk boundaries, so it cannot tell a hole in the middle of
 * a chat from a quiet period; `gaps` is always [] (documented in docs/API.md).
 */
import { syncProgressPayload } from '../core/event-payloads.js';
import type { EventPublisher } from '../core/events.js';
import type { BackfillRequest, ChatCoverage, Principal } from '../core/types.js';
import type { Store } from '../store/index.js';
import { requireCapability } from './access.js';
import { requireStoredChat } from './chats.js';
import type { SessionsService } from './sessions.js';

/** Messages asked for per backfill: what WhatsApp's own clients ask for when scrolling up. */
export const BACKFILL_COUNT = 50;

export type { BackfillRequest, ChatCoverage };

export type HistoryService = ReturnType<typeof createHistoryService>;

export function createHistoryService(deps: { store: Store; sessions: SessionsService; publisher: EventPublisher; now?: () => number }) {
  const { store, sessions, publisher } = deps;
  const now = deps.now ?? Date.now;
  return {
    coverage(p: Principal, sessionId: string, cid: string): ChatCoverage {
      requireCapability(p, 'read');
      const s = sessions.inOrg(p, sessionId);
      const jid = requireStoredChat(store, s.id, cid);
      const extent = store.chatHistory.extent(s.id, jid);
      return {
        chatJid: jid,
        oldestMessageId: extent.oldestMessageId,
        oldestMessageAt: extent.oldestMessageAt,
        newestMessageAt: extent.newestMessageAt,
        count: extent.count,
        complete: store.chatHistory.marks(s.id, jid).startKnown,
        gaps: [],
      };
    },

    /** 404 for a chat not stored, then 501 without a live client; resolves once the phone was asked. */
    async backfill(p: Principal, sessionId: string, cid: string): Promise<BackfillRequest> {
      requireCapability(p, 'send');
      const s = sessions.inOrg(p, sessionId);
      const jid = requireStoredChat(store, s.id, cid);
      const client = sessions.liveClient(s);
      const extent = store.chatHistory.extent(s.id, jid);
      const anchor =
        extent.oldestMessageId !== null && extent.oldestMessageAt !== null
          ? { waMessageId: extent.oldestMessageId, fromMe: extent.oldestFromMe, timestamp: extent.oldestMessageAt }
          : null;
      await client.fetchHistory(jid, anchor, BACKFILL_COUNT);
      store.chatHistory.markAsked(s.id, jid, now());
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
