/**
 * The loaded messages of one open chat or channel, oldest first. Older pages come by cursor; live messages
 * and status updates are merged in as realtime events arrive.
 */
import type { ApiClient } from '../api/client.js';
import { describeError } from '../api/errors.js';
import type { ChatCoverage, EventPayloads, Message, Page } from '../api/types.js';
import { applyStatusUpdate, mergeMessages, upsertMessage, type MessageStatusUpdate } from '../logic/timeline.js';

export type ConversationKind = 'chat' | 'channel';

export class ConversationState {
  messages = $state.raw<Message[]>([]);
  loading = $state(false);
  loaded = $state(false);
  error = $state<string | null>(null);
  nextCursor = $state<string | null>(null);
  /** Opened at a message (search): the cursor of the next NEWER page; null once the newest is loaded. */
  prevCursor = $state<string | null>(null);
  /** The message the conversation was opened at (highlighted, scrolled to); null for a normal open. */
  highlightId = $state<string | null>(null);
  loadingNewer = $state(false);
  /** Set when the chat disappeared (deleted locally here or elsewhere). */
  gone = $state(false);
  /** How much of the chat is stored (chats only); null until known. */
  coverage = $state.raw<ChatCoverage | null>(null);
  /** A backfill was asked for and the phone has not answered yet. */
  backfilling = $state(false);
  private disposed = false;

  constructor(
    private readonly api: ApiClient,
    readonly sessionId: string,
    readonly jid: string,
    readonly kind: ConversationKind,
    private readonly pageSize = 50,
  ) {}

  get hasMore(): boolean {
    return this.nextCursor !== null;
  }

  private fetch(cursor: string | null): Promise<Page<Message>> {
    const query = { limit: this.pageSize, cursor };
    return this.kind === 'chat'
      ? this.api.listChatMessages(this.sessionId, this.jid, query)
      : this.api.listChannelMessages(this.sessionId, this.jid, query);
  }

  async loadInitial(): Promise<void> {
    this.loading = true;
    try {
      const page = await this.fetch(null);
      if (this.disposed) return;
      this.messages = mergeMessages(this.messages, page.data);
      this.nextCursor = page.nextCursor || null;
      this.loaded = true;
      this.error = null;
    } catch (error) {
      if (!this.disposed) this.error = describeError(error);
    } finally {
      if (!this.disposed) this.loading = false;
    }
  }

  /** Opens the conversation AT a message (a search hit): the page around it, pageable both ways. */
  async loadAround(messageId: string): Promise<void> {
    this.highlightId = messageId;
    this.loading = true;
    try {
      const page = await this.api.listChatWindow(this.sessionId, this.jid, { limit: this.pageSize, around: messageId });
      if (this.disposed) return;
      this.messages = mergeMessages([], page.data);
      this.nextCursor = page.nextCursor || null;
      this.prevCursor = page.prevCursor || null;
      this.loaded = true;
      this.error = null;
    } catch (error) {
      if (!this.disposed) this.error = describeError(error);
    } finally {
      if (!this.disposed) this.loading = false;
    }
  }

  get hasNewer(): boolean {
    return this.prevCursor !== null;
  }

  async loadNewer(): Promise<void> {
    if (this.loadingNewer || !this.prevCursor) return;
    this.loadingNewer = true;
    try {
      const page = await this.api.listChatWindow(this.sessionId, this.jid, { limit: this.pageSize, cursor: this.prevCursor });
      if (this.disposed) return;
      this.messages = mergeMessages(this.messages, page.data);
      this.prevCursor = page.prevCursor || null;
      this.error = null;
    } catch (error) {
      if (!this.disposed) this.error = describeError(error);
    } finally {
      if (!this.disposed) this.loadingNewer = false;
    }
  }

  async loadOlder(): Promise<void> {
    if (this.loading || !this.nextCursor) return;
    this.loading = true;
    try {
      const page = await this.fetch(this.nextCursor);
      if (this.disposed) return;
      this.messages = mergeMessages(this.messages, page.data);
      this.nextCursor = page.nextCursor || null;
      this.error = null;
    } catch (error) {
      if (!this.disposed) this.error = describeError(error);
    } finally {
      if (!this.disposed) this.loading = false;
    }
  }

  /** Holes coverage found inside the stored history (the gateway could not vouch for those stretches). */
  get gapCount(): number {
    return this.kind === 'chat' ? (this.coverage?.gaps.length ?? 0) : 0;
  }

  /**
   * True when the phone may have messages the archive lacks: a gap anywhere in the chat (a backfill goes to
   * the newest one first), or the stored history ends here and its start is not known ("Load older from phone").
   */
  get canBackfill(): boolean {
    if (this.kind !== 'chat' || this.coverage === null) return false;
    return this.gapCount > 0 || (this.loaded && !this.hasMore && !this.coverage.complete);
  }

  async loadCoverage(): Promise<void> {
    if (this.kind !== 'chat') return;
    try {
      const coverage = await this.api.chatCoverage(this.sessionId, this.jid);
      if (!this.disposed) this.coverage = coverage;
    } catch {
      // Without coverage the button stays hidden; the messages themselves are unaffected.
    }
  }

  /** Asks the phone for older messages; the answer comes as a `sync.progress` with this chatJid. */
  async backfill(): Promise<void> {
    if (this.backfilling || !this.canBackfill) return;
    this.backfilling = true;
    try {
      await this.api.backfillChat(this.sessionId, this.jid);
    } catch (error) {
      if (!this.disposed) {
        this.error = describeError(error);
        this.backfilling = false;
      }
    }
  }

  /** The phone answered: re-read the stored pages down to the older messages, and the coverage. */
  async onBackfillProgress(progress: EventPayloads['sync.progress']): Promise<void> {
    if (progress.chatJid !== this.jid || progress.state !== 'complete') return;
    try {
      const limit = Math.min(200, this.messages.length + 50);
      const page = await (this.kind === 'chat'
        ? this.api.listChatMessages(this.sessionId, this.jid, { limit, cursor: null })
        : this.api.listChannelMessages(this.sessionId, this.jid, { limit, cursor: null }));
      if (this.disposed) return;
      this.messages = mergeMessages(this.messages, page.data);
      this.nextCursor = page.nextCursor || null;
    } catch (error) {
      if (!this.disposed) this.error = describeError(error);
    } finally {
      if (!this.disposed) this.backfilling = false;
    }
    await this.loadCoverage();
  }

  /** A `message` event (or our own send) for this conversation. */
  addMessage(message: Message): void {
    if (message.chatJid !== this.jid) return;
    // Opened at an older message: a live one would leave a gap; paging newer reaches it.
    if (this.prevCursor !== null && !this.messages.some((m) => m.id === message.id)) return;
    this.messages = upsertMessage(this.messages, message);
  }

  /** A message deleted "for me": it leaves the loaded list. */
  removeMessage(id: string): void {
    const next = this.messages.filter((m) => m.id !== id && m.waMessageId !== id);
    if (next.length !== this.messages.length) this.messages = next;
  }

  applyStatus(update: MessageStatusUpdate): void {
    if (update.chatJid && update.chatJid !== this.jid) return;
    const next = applyStatusUpdate(this.messages, update);
    if (next !== this.messages) this.messages = next as Message[];
  }

  dispose(): void {
    this.disposed = true;
  }
}
