/**
 * A cursor-paged list of chats or channels: first page, more pages on demand, merged by JID and kept newest
 * first. Responses to a superseded request (another session, another search) are dropped.
 */
import { describeError } from '../api/errors.js';
import type { Page } from '../api/types.js';
import { mergeByJid, type ListEntry } from '../logic/conversations.js';

export type PageFetcher<T> = (cursor: string | null, query: string) => Promise<Page<T>>;

export class PagedList<T extends ListEntry> {
  items = $state.raw<T[]>([]);
  loading = $state(false);
  loaded = $state(false);
  error = $state<string | null>(null);
  nextCursor = $state<string | null>(null);
  private query = '';
  private requestId = 0;

  constructor(private readonly fetchPage: PageFetcher<T>) {}

  get hasMore(): boolean {
    return this.nextCursor !== null;
  }

  /** Loads the first page again (optionally with a new server-side search). */
  async reload(query: string = this.query): Promise<void> {
    this.query = query;
    const id = ++this.requestId;
    this.loading = true;
    try {
      const page = await this.fetchPage(null, query);
      if (id !== this.requestId) return;
      this.items = mergeByJid([], page.data);
      this.nextCursor = page.nextCursor || null;
      this.error = null;
      this.loaded = true;
    } catch (error) {
      if (id === this.requestId) this.error = describeError(error);
    } finally {
      if (id === this.requestId) this.loading = false;
    }
  }

  async loadMore(): Promise<void> {
    if (this.loading || !this.nextCursor) return;
    const id = ++this.requestId;
    this.loading = true;
    try {
      const page = await this.fetchPage(this.nextCursor, this.query);
      if (id !== this.requestId) return;
      this.items = mergeByJid(this.items, page.data);
      this.nextCursor = page.nextCursor || null;
      this.error = null;
    } catch (error) {
      if (id === this.requestId) this.error = describeError(error);
    } finally {
      if (id === this.requestId) this.loading = false;
    }
  }

  /** Refreshes the first page and merges it in, keeping later pages (new chats appear, nothing is lost). */
  async refreshHead(): Promise<void> {
    const id = this.requestId;
    try {
      const page = await this.fetchPage(null, this.query);
      if (id !== this.requestId) return;
      this.items = mergeByJid(this.items, page.data);
      // We had reached the end, but the list grew beyond one page: paging resumes after the first page
      // (items we already hold are merged away by JID).
      if (this.nextCursor === null) this.nextCursor = page.nextCursor || null;
      this.loaded = true;
    } catch {
      // A background refresh; the next event or reload tries again.
    }
  }

  replace(items: T[]): void {
    this.items = items;
  }

  update(jid: string, patch: (item: T) => T): void {
    this.items = mergeByJid(
      [],
      this.items.map((i) => (i.jid === jid ? patch(i) : i)),
    );
  }

  remove(jid: string): void {
    this.items = this.items.filter((i) => i.jid !== jid);
  }
}
