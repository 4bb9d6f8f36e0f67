/**
 * The chat picker of the message search filters: a combobox over every chat of the session, searchable by
 * name (instantly over what is loaded, and on the server by `q`, debounced, exactly as the chat list), pages
 * more as the keyboard selection nears the end. It pages with the inbox's own chat fetcher (the same
 * PagedList over GET .../chats) but in its own list: the inbox's list is filtered by what is typed in the
 * search box (the message words), which is not what the picker searches.
 */
import type { Chat } from '../api/types.js';
import { entryTitle, filterEntries } from '../logic/conversations.js';
import { PagedList, type PageFetcher } from './paged-list.svelte.js';

export interface ChatChoice {
  jid: string;
  name: string;
  type: string;
}

/** How long typing pauses before the server is asked (the loaded chats filter at once). */
const SERVER_SEARCH_MS = 300;

export class ChatPickerState {
  expanded = $state(false);
  /** What is typed in the picker. */
  query = $state('');
  /** Index into `options` of the keyboard selection (0 = "All chats"). */
  active = $state(0);
  readonly list: PagedList<Chat>;
  private timer: ReturnType<typeof setTimeout> | null = null;

  constructor(fetchChats: PageFetcher<Chat>) {
    this.list = new PagedList<Chat>(fetchChats);
  }

  /** "All chats" (null) first, then the chats matching what is typed, newest activity first. */
  get options(): (ChatChoice | null)[] {
    const chats = filterEntries(this.list.items, this.query).map((c) => ({ jid: c.jid, name: entryTitle(c), type: c.type }));
    return [null, ...chats];
  }

  open(): void {
    if (this.expanded) return;
    this.expanded = true;
    this.active = 0;
    // Fresh on every opening: chats appear and get renamed while the app runs.
    void this.list.reload(this.query.trim());
  }

  close(): void {
    this.expanded = false;
    this.query = '';
    this.clearTimer();
  }

  setQuery(query: string): void {
    this.query = query;
    this.active = query.trim() ? 1 : 0;
    if (!this.expanded) this.expanded = true;
    this.clearTimer();
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.list.reload(query.trim());
    }, SERVER_SEARCH_MS);
  }

  /** Arrow keys: moves the selection; near the end of what is loaded, loads the next page. */
  move(delta: number): void {
    if (!this.expanded) {
      this.open();
      return;
    }
    const last = this.options.length - 1;
    this.active = Math.max(0, Math.min(last, this.active + delta));
    if (this.active >= last - 3 && this.list.hasMore) void this.list.loadMore();
  }

  /** The option under the keyboard selection; undefined when there is none. */
  get activeOption(): ChatChoice | null | undefined {
    return this.options[this.active];
  }

  dispose(): void {
    this.clearTimer();
  }

  private clearTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }
}
