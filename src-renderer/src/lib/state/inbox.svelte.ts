/**
 * The inbox of one session: the chat and channel lists (tabs), the search, and the open conversation.
 * Realtime events for this session are routed here by the app state.
 */
import type { ApiClient } from '../api/client.js';
import type { Channel, Chat, Message, EventPayloads } from '../api/types.js';
import { applyMessageToChannels, applyMessageToChats } from '../logic/conversations.js';
import { isChannelJid } from '../logic/format.js';
import { ConversationState, type ConversationKind } from './conversation.svelte.js';
import { MediaArchiveState, type DocumentOpener } from './media.svelte.js';
import { PagedList, type PageFetcher } from './paged-list.svelte.js';
import { MessageSearchState } from './search.svelte.js';

export type InboxTab = 'chats' | 'channels';

export class InboxState {
  tab = $state<InboxTab>('chats');
  search = $state('');
  open = $state.raw<ConversationState | null>(null);
  /** Shown over the conversation pane (e.g. "this chat was deleted"). */
  notice = $state<string | null>(null);
  readonly chats: PagedList<Chat>;
  readonly channels: PagedList<Channel>;
  /** Media bytes, download states and the viewer of this session's messages. */
  readonly media: MediaArchiveState;
  /** Search in messages (the same box also filters the lists by name). */
  readonly messageSearch: MessageSearchState;
  private refreshTimer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    private readonly api: ApiClient,
    readonly sessionId: string,
    /** The desktop app's document opener (AuthState.documentOpener), null in a browser. */
    documentOpener: DocumentOpener | null = null,
  ) {
    const fetchChats: PageFetcher<Chat> = (cursor, q) => api.listChats(sessionId, { cursor, q, limit: 50 });
    this.chats = new PagedList<Chat>(fetchChats);
    this.channels = new PagedList<Channel>((cursor, q) => api.listChannels(sessionId, { cursor, q, limit: 50 }));
    this.media = new MediaArchiveState(api, sessionId, undefined, undefined, documentOpener);
    // The search's chat filter pages the same chats, in a list of its own (see chat-picker.svelte.ts).
    this.messageSearch = new MessageSearchState(api, sessionId, fetchChats);
  }

  async start(): Promise<void> {
    await Promise.all([this.chats.reload(''), this.channels.reload('')]);
  }

  /** The `q` the lists were last loaded with. */
  appliedQuery = '';

  /** Server-side search on both lists (the lists also filter what is loaded, instantly). */
  applySearch(query: string): Promise<void> {
    this.appliedQuery = query;
    return Promise.all([this.chats.reload(query), this.channels.reload(query)]).then(() => undefined);
  }

  openConversation(kind: ConversationKind, jid: string): void {
    if (this.open?.jid === jid && this.open.kind === kind) return;
    this.open?.dispose();
    this.media.closeViewer();
    this.notice = null;
    const conversation = new ConversationState(this.api, this.sessionId, jid, kind);
    this.open = conversation;
    void conversation.loadInitial().then(() => conversation.loadCoverage());
    if (kind === 'chat') void this.readOnOpen(jid);
  }

  /**
   * Opening a chat with unread messages reads it (POST .../read: the gateway clears its counter and sends the
   * read receipts); the answer is the chat with its new counter. Chats with nothing unread are left alone.
   */
  private async readOnOpen(jid: string): Promise<void> {
    const chat = this.chats.items.find((c) => c.jid === jid);
    if (!chat || chat.unreadCount <= 0) return;
    try {
      // Opening the chat is the person reading it: the contact gets the blue ticks.
      this.setChat(await this.api.markRead(this.sessionId, jid, { receipts: true }));
    } catch {
      // The badge stays; the header's "Mark read" button is there to try again and shows why it fails.
    }
  }

  /** Opens a chat AT a message (a search result), highlighted, pageable both ways. */
  openAt(kind: ConversationKind, jid: string, messageId: string): void {
    this.open?.dispose();
    this.notice = null;
    const conversation = new ConversationState(this.api, this.sessionId, jid, kind);
    this.open = conversation;
    void conversation.loadAround(messageId);
    if (kind === 'chat') void this.readOnOpen(jid);
  }

  close(): void {
    this.media.closeViewer();
    this.open?.dispose();
    this.open = null;
  }

  isOpen(jid: string): boolean {
    return this.open?.jid === jid;
  }

  onMessage(message: Message): void {
    this.open?.addMessage(message);
    if (isChannelJid(message.chatJid)) {
      const next = applyMessageToChannels(this.channels.items, message);
      if (next) this.channels.replace(next);
      else this.refreshSoon();
      return;
    }
    const next = applyMessageToChats(this.chats.items, message, this.isOpen(message.chatJid));
    if (next) this.chats.replace(next);
    else this.refreshSoon(); // a chat we have not loaded: fetch it with its real name
  }

  /** A chat backfill's progress (`sync.progress` with a chatJid). */
  onChatBackfill(progress: EventPayloads['sync.progress']): void {
    void this.open?.onBackfillProgress(progress);
  }

  onStatus(update: EventPayloads['message.status']): void {
    this.open?.applyStatus(update);
    const chat = this.chats.items.find((c) => c.jid === update.chatJid);
    if (chat?.lastMessage && chat.lastMessage.waMessageId === update.waMessageId) {
      this.chats.update(chat.jid, (c) => ({
        ...c,
        lastMessage: c.lastMessage && {
          ...c.lastMessage,
          ackLevel: update.ackLevel ?? c.lastMessage.ackLevel,
          status: update.status ?? c.lastMessage.status,
          error: update.error === undefined ? c.lastMessage.error : update.error,
          edited: update.edited ?? c.lastMessage.edited,
          deleted: update.deleted ?? c.lastMessage.deleted,
          body: update.edited && typeof update.body === 'string' ? update.body : c.lastMessage.body,
        },
      }));
    }
  }

  /**
   * A chat left the stored copy: deleted (here, through the API, or on the phone), or merged from its LID form
   * into its phone-number chat (`mergedInto`), which then takes its place, open if the old one was.
   */
  onChatDeleted({ chatJid, mergedInto }: EventPayloads['chat.deleted']): void {
    this.chats.remove(chatJid);
    if (mergedInto !== undefined) {
      // The merged chat's list entry (last message, unread count) changed too.
      this.refreshSoon();
      if (this.open && this.open.jid === chatJid) this.openConversation('chat', mergedInto);
      return;
    }
    if (this.open && this.open.jid === chatJid) {
      this.open.gone = true;
      this.notice = 'This chat was deleted from the local store.';
      this.close();
    }
  }

  /** A message deleted "for me" (here or by another client of the API): off the open chat and the preview. */
  onMessageRemoved({ chatJid, waMessageId }: EventPayloads['message.removed']): void {
    if (this.open?.jid === chatJid) this.open.removeMessage(waMessageId);
    const chat = this.chats.items.find((c) => c.jid === chatJid);
    if (chat?.lastMessage?.waMessageId === waMessageId) this.refreshSoon();
  }

  setChat(chat: Chat): void {
    this.chats.update(chat.jid, () => chat);
  }

  /**
   * Re-reads the first page of both lists shortly (throttled): new chats, history sync batches (which arrive
   * without per-message events), a session that just connected.
   */
  refreshSoon(): void {
    if (this.refreshTimer) return;
    this.refreshTimer = setTimeout(() => {
      this.refreshTimer = null;
      void this.chats.refreshHead();
      void this.channels.refreshHead();
    }, 400);
  }

  dispose(): void {
    if (this.refreshTimer) clearTimeout(this.refreshTimer);
    this.open?.dispose();
    this.media.dispose();
    this.messageSearch.dispose();
  }
}
