/**
 * Message search of one session (issue 10): the query and filters, the hits (newest first, more by cursor),
 * grouped by chat for display, and the keyboard selection. Responses to a superseded search are dropped.
 */
import type { ApiClient } from '../api/client.js';
import { describeError } from '../api/errors.js';
import type { SearchHit } from '../api/types.js';

export interface SearchFiltersInput {
  /** Only the chat with this JID ('' for all). */
  chat: string;
  /** A message type ('' for all). */
  type: string;
  /** Only messages since this day (yyyy-mm-dd, '' for no bound). */
  since: string;
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
  filters = $state<SearchFiltersInput>({ chat: '', type: '', since: '' });
  hits = $state.raw<SearchHit[]>([]);
  loading = $state(false);
  error = $state<string | null>(null);
  nextCursor = $state<string | null>(null);
  /** Index into `hits` of the keyboard selection, -1 for none. */
  selected = $state(-1);
  private requestId = 0;

  constructor(
    private readonly api: ApiClient,
    readonly sessionId: string,
  ) {}

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
    const since = this.filters.since ? Date.parse(`${this.filters.since}T00:00:00`) : NaN;
    return {
      q: this.query.trim(),
      chat: this.filters.chat || undefined,
      type: this.filters.type || undefined,
      after: Number.isFinite(since) ? since - 1 : undefined,
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
