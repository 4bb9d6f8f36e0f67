/**
 * Message search of one session (issue 10): the query and filters (chat, type, a range of days), the hits
 * (newest first, more by cursor), grouped by chat for display, the keyboard selection, and whether the index
 * was complete. Responses to a superseded search are dropped.
 *
 * Indexing. A search answer says when the index is incomplete (`index.pending` messages not findable yet:
 * an old archive indexed for the first time, a large history sync). There is no realtime event for the
 * indexer, so while it is incomplete the status route is polled every INDEX_POLL_MS; when the index is
 * complete the polling stops and the search runs again, so the results are whole.
 */
import type { ApiClient } from '../api/client.js';
import { describeError } from '../api/errors.js';
import type { Chat, SearchHit, SearchIndexState } from '../api/types.js';
import { dayRange, pendingOf } from '../logic/search-filters.js';
import { ChatPickerState, type ChatChoice } from './chat-picker.svelte.js';
import type { PageFetcher } from './paged-list.svelte.js';

export interface SearchFiltersInput {
  /** Only this chat (null for all). */
  chat: ChatChoice | null;
  /** A message type ('' for all). */
  type: string;
  /** Only messages from this day on (yyyy-mm-dd, local, '' for no bound). */
  since: string;
  /** Only messages up to the end of this day (yyyy-mm-dd, local, '' for no bound). */
  until: string;
}

/** While the index is being built, how often its progress is asked for. */
export const INDEX_POLL_MS = 1500;

export interface IndexingProgress {
  /** Messages not findable yet. */
  pending: number;
  /** The most pending seen since indexing was noticed (the progress bar's full length). */
  peak: number;
}

export interface HitGroup {
  jid: string;
  name: string;
  type: string;
  /** Each hit with its position in `hits` (the keyboard selection's index). */
  hits: { hit: SearchHit; index: number }[];
}

/** Fewer characters than this only search chats by name. */
export const MIN_MESSAGE_QUERY = 2;

export class MessageSearchState {
  query = $state('');
  filters = $state<SearchFiltersInput>({ chat: null, type: '', since: '', until: '' });
  hits = $state.raw<SearchHit[]>([]);
  loading = $state(false);
  error = $state<string | null>(null);
  nextCursor = $state<string | null>(null);
  /** Index into `hits` of the keyboard selection, -1 for none. */
  selected = $state(-1);
  /** Non-null while the index is incomplete (the last answer said so, and polling has not seen it finish). */
  indexing = $state<IndexingProgress | null>(null);
  /** The chat filter's picker (pages the session's chats with the inbox's fetcher). */
  readonly chatPicker: ChatPickerState;
  private requestId = 0;
  private pollTimer: ReturnType<typeof setTimeout> | null = null;
  private disposed = false;

  constructor(
    private readonly api: ApiClient,
    readonly sessionId: string,
    fetchChats: PageFetcher<Chat>,
  ) {
    this.chatPicker = new ChatPickerState(fetchChats);
  }

  get active(): boolean {
    return this.query.trim().length >= MIN_MESSAGE_QUERY;
  }

  /** Hits by chat, chats in the order of their newest hit. */
  get groups(): HitGroup[] {
    const byJid = new Map<string, HitGroup>();
    this.hits.forEach((hit, index) => {
      let g = byJid.get(hit.chat.jid);
      if (!g) {
        g = { jid: hit.chat.jid, name: hit.chat.name || hit.chat.jid, type: hit.chat.type, hits: [] };
        byJid.set(hit.chat.jid, g);
      }
      g.hits.push({ hit, index });
    });
    return [...byJid.values()];
  }

  private params(cursor: string | null) {
    const { after, before } = dayRange(this.filters.since, this.filters.until);
    return {
      q: this.query.trim(),
      chat: this.filters.chat?.jid,
      type: this.filters.type || undefined,
      after,
      before,
      cursor,
      limit: 30,
    };
  }

  async run(query: string = this.query): Promise<void> {
    this.query = query;
    const id = ++this.requestId;
    if (!this.active) {
      this.hits = [];
      this.nextCursor = null;
      this.error = null;
      this.selected = -1;
      this.loading = false;
      this.stopPolling();
      return;
    }
    this.loading = true;
    try {
      const page = await this.api.searchMessages(this.sessionId, this.params(null));
      if (id !== this.requestId) return;
      this.hits = page.data;
      this.nextCursor = page.nextCursor || null;
      this.selected = -1;
      this.error = null;
      this.applyIndex(page.index);
    } catch (error) {
      if (id === this.requestId) {
        this.hits = [];
        this.error = describeError(error);
      }
    } finally {
      if (id === this.requestId) this.loading = false;
    }
  }

  setFilter<K extends keyof SearchFiltersInput>(key: K, value: SearchFiltersInput[K]): Promise<void> {
    this.filters = { ...this.filters, [key]: value };
    return this.run();
  }

  /** The picker's choice (null: all chats); closes the picker. */
  chooseChat(chat: ChatChoice | null): Promise<void> {
    this.chatPicker.close();
    return this.setFilter('chat', chat);
  }

  /** What a search answer says about the index: start following the indexer, or stop. */
  private applyIndex(index: SearchIndexState): void {
    if (index.complete) {
      this.indexing = null;
      this.stopPolling();
      return;
    }
    this.indexing = { pending: index.pending, peak: Math.max(index.pending, this.indexing?.peak ?? 0) };
    this.schedulePoll();
  }

  private schedulePoll(): void {
    if (this.pollTimer || this.disposed) return;
    this.pollTimer = setTimeout(() => void this.pollIndex(), INDEX_POLL_MS);
  }

  private async pollIndex(): Promise<void> {
    this.pollTimer = null;
    if (!this.indexing || !this.active) return;
    try {
      const status = await this.api.searchStatus(this.sessionId);
      if (!this.indexing || this.disposed) return;
      if (status.finished) {
        this.indexing = null;
        // The index is whole now: what was not findable may match.
        void this.run();
        return;
      }
      const pending = pendingOf(status);
      this.indexing = { pending, peak: Math.max(pending, this.indexing.peak) };
    } catch {
      // Progress is informative only: try again at the next tick.
    }
    this.schedulePoll();
  }

  private stopPolling(): void {
    if (this.pollTimer) clearTimeout(this.pollTimer);
    this.pollTimer = null;
  }

  dispose(): void {
    this.disposed = true;
    this.stopPolling();
    this.chatPicker.dispose();
  }

  async loadMore(): Promise<void> {
    if (this.loading || !this.nextCursor) return;
    const id = ++this.requestId;
    this.loading = true;
    try {
      const page = await this.api.searchMessages(this.sessionId, this.params(this.nextCursor));
      if (id !== this.requestId) return;
      const seen = new Set(this.hits.map((h) => h.message.id + h.message.chatJid));
      this.hits = [...this.hits, ...page.data.filter((h) => !seen.has(h.message.id + h.message.chatJid))];
      this.nextCursor = page.nextCursor || null;
      this.error = null;
      this.applyIndex(page.index);
    } catch (error) {
      if (id === this.requestId) this.error = describeError(error);
    } finally {
      if (id === this.requestId) this.loading = false;
    }
  }

  /** Arrow keys: moves the selection (stays within the hits). */
  move(delta: number): void {
    if (!this.hits.length) return;
    this.selected = Math.max(0, Math.min(this.hits.length - 1, this.selected + delta));
    if (this.selected >= this.hits.length - 3) void this.loadMore();
  }

  get selectedHit(): SearchHit | null {
    return this.hits[this.selected] ?? null;
  }
}
