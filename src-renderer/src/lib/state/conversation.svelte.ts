/**
 * The loaded messages of one open chat or channel, oldest first. Older pages come by cursor; live messages
 * and status updates are merged in as realtime events arrive.
 */
import type { ApiClient } from '../api/client.js';
import { describeError } from '../api/errors.js';
import type { Message, Page } from '../api/types.js';
import { applyStatusUpdate, mergeMessages, upsertMessage, type MessageStatusUpdate } from '../logic/timeline.js';

export type ConversationKind = 'chat' | 'channel';

export class ConversationState {
  messages = $state.raw<Message[]>([]);
  loading = $state(false);
  loaded = $state(false);
  error = $state<string | null>(null);
  nextCursor = $state<string | null>(null);
  /** Set when the chat disappeared (deleted locally here or elsewhere). */
  gone = $state(false);
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

  /** A `message` event (or our own send) for this conversation. */
  addMessage(message: Message): void {
    if (message.chatJid !== this.jid) return;
    this.messages = upsertMessage(this.messages, message);
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
