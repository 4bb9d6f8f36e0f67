/**
 * The composer of one open chat and the actions on its messages: text with an optional reply or edit, a file
 * with a caption (upload progress), location and poll forms, reactions, delete, forward, retry of a failed
 * send, and the typing indicator. The single writer of this state; the components only call its actions.
 *
 * What we send is shown at once as a pending bubble built from the SendResult (same id as the stored copy);
 * the realtime `message` event then replaces it with the stored message.
 *
 * Over 400 lines on purpose: the composer and the actions on messages share the reply/edit mode, the pending
 * bubbles and the way failures are put into words; the pure rules are in logic/compose.ts.
 */
import type { ApiClient, OutgoingFileKind, OutgoingMessage } from '../api/client.js';
import { ApiError } from '../api/errors.js';
import type { Message, SendResult, Session } from '../api/types.js';
import { canEdit, fileKindOf, oversizeReason, pendingMessage, reactionToSend, readableActionError } from '../logic/compose.js';
import { TypingNotifier } from '../logic/typing.js';
import type { ConversationState } from './conversation.svelte.js';
import type { MediaArchiveState } from './media.svelte.js';

export type ComposerMode = { kind: 'reply'; message: Message } | { kind: 'edit'; message: Message } | null;
export type ComposerPanel = 'location' | 'poll' | null;

export interface Attachment {
  file: File;
  kind: OutgoingFileKind;
  /** An object URL to preview a photo, else null. */
  previewUrl: string | null;
}

export interface ComposerDeps {
  api: ApiClient;
  /** The session as it is now (live, our JIDs). */
  session: () => Session;
  conversation: ConversationState;
  media: MediaArchiveState;
  /** A message we sent or changed: into the conversation and the chat list (inbox.onMessage). */
  onLocal: (message: Message) => void;
  toast: (text: string, tone?: 'info' | 'error') => void;
  /** Whether the composer may send typing (off while the header's manual presence toggle is on). */
  typingAllowed?: () => boolean;
}

export class ComposerState {
  text = $state('');
  mode = $state.raw<ComposerMode>(null);
  attachment = $state.raw<Attachment | null>(null);
  panel = $state<ComposerPanel>(null);
  sending = $state(false);
  /** Upload progress of a file being sent, 0..1 (null when no upload runs or its size is unknown). */
  progress = $state<number | null>(null);
  /** The last failure of the composer, in words (shown above the input). */
  error = $state<string | null>(null);
  /** Failures of an action on one message (react, delete, retry), by message id: shown on its bubble. */
  messageErrors = $state.raw<ReadonlyMap<string, string>>(new Map());
  /** The message whose delete is being confirmed, and the forward dialog's message. */
  deleting = $state.raw<Message | null>(null);
  forwarding = $state.raw<Message | null>(null);
  /** Message ids with an action in flight (buttons disabled meanwhile). */
  busy = $state.raw<ReadonlySet<string>>(new Set());
  /** Bumped to ask the input to take the focus (reply, edit, cancel). */
  focusRequest = $state(0);

  readonly typing: TypingNotifier;
  private disposed = false;

  constructor(private readonly deps: ComposerDeps) {
    const { api, conversation } = deps;
    this.typing = new TypingNotifier((state) => api.setPresence(conversation.sessionId, conversation.jid, state), {
      enabled: () => this.live && (deps.typingAllowed?.() ?? true),
      // Typing is a nicety: a failure is not worth a toast, the next keystroke tries again.
      onError: () => undefined,
    });
  }

  get sessionId(): string {
    return this.deps.conversation.sessionId;
  }
  get chatJid(): string {
    return this.deps.conversation.jid;
  }
  get live(): boolean {
    return this.deps.session().live;
  }
  get canSend(): boolean {
    if (!this.live || this.sending) return false;
    return this.attachment !== null || this.text.trim().length > 0;
  }

  // ---- text, reply and edit ----

  /** The text changed (a keystroke): typing indicator. */
  onInput(): void {
    if (this.mode?.kind === 'edit') return;
    this.typing.input(this.text.trim() === '');
  }

  startReply(message: Message): void {
    if (this.mode?.kind === 'edit') this.text = '';
    this.mode = { kind: 'reply', message };
    this.error = null;
    this.focusRequest++;
  }

  startEdit(message: Message): void {
    if (!canEdit(message)) return;
    this.typing.stop();
    this.mode = { kind: 'edit', message };
    this.attachment = this.clearedAttachment();
    this.panel = null;
    this.text = message.body;
    this.error = null;
    this.focusRequest++;
  }

  /** Esc: closes a form, else drops the reply/edit (an edit also drops its text), else the attachment. */
  cancel(): boolean {
    if (this.panel) {
      this.panel = null;
    } else if (this.mode) {
      if (this.mode.kind === 'edit') this.text = '';
      this.mode = null;
    } else if (this.attachment) {
      this.attachment = this.clearedAttachment();
    } else {
      return false;
    }
    this.error = null;
    this.focusRequest++;
    return true;
  }

  /** Enter or the Send button. */
  async send(): Promise<void> {
    if (!this.canSend) return;
    if (this.mode?.kind === 'edit') return this.saveEdit(this.mode.message);
    if (this.attachment) return this.sendAttachment(this.attachment);
    const text = this.text;
    const replyTo = this.mode?.kind === 'reply' ? this.mode.message : null;
    await this.run(async () => {
      const body: OutgoingMessage = { type: 'text', to: this.chatJid, text };
      if (replyTo) body.replyTo = replyTo.id;
      const result = await this.deps.api.sendMessage(this.sessionId, body).catch((error: unknown) => {
        // Refused at once but stored as failed (502 with its id): its bubble, with Retry, holds the text now.
        if (storedAsFailed(error)) {
          this.text = '';
          this.mode = null;
        }
        throw error;
      });
      this.text = '';
      this.mode = null;
      this.showPending(result, { type: 'text', body: text, quotedMessageId: replyTo?.id ?? null });
    });
  }

  private async saveEdit(message: Message): Promise<void> {
    const text = this.text.trim();
    if (text === message.body.trim()) {
      this.cancel();
      return;
    }
    await this.run(async () => {
      const updated = await this.deps.api.editMessage(this.sessionId, this.chatJid, message.id, text);
      this.text = '';
      this.mode = null;
      this.deps.onLocal(updated && typeof updated === 'object' && 'id' in updated ? updated : { ...message, body: text, edited: true });
    });
  }

  // ---- files ----

  /** A chosen or dropped file: checked against the limit before anything is uploaded. */
  attach(file: File): void {
    if (!this.live) {
      this.error = 'Sending needs a live connection: start this session to send.';
      return;
    }
    const kind = fileKindOf(file.type);
    const tooBig = oversizeReason(file);
    if (tooBig) {
      this.error = tooBig;
      return;
    }
    if (this.mode?.kind === 'edit') this.cancel();
    this.clearedAttachment();
    this.attachment = { file, kind, previewUrl: kind === 'image' ? URL.createObjectURL(file) : null };
    this.panel = null;
    this.error = null;
    this.focusRequest++;
  }

  removeAttachment(): void {
    this.attachment = this.clearedAttachment();
    this.focusRequest++;
  }

  private async sendAttachment(attachment: Attachment): Promise<void> {
    const caption = this.text.trim();
    const replyTo = this.mode?.kind === 'reply' ? this.mode.message : null;
    this.progress = 0;
    await this.run(async () => {
      const result = await this.deps.api.sendFile(
        this.sessionId,
        {
          type: attachment.kind,
          to: this.chatJid,
          file: attachment.file,
          filename: attachment.file.name,
          ...(caption ? { caption } : {}),
          ...(replyTo ? { replyTo: replyTo.id } : {}),
        },
        (sent, total) => {
          if (!this.disposed) this.progress = total > 0 ? Math.min(1, sent / total) : null;
        },
      );
      if (attachment.kind === 'image') this.deps.media.preload(this.chatJid, result.waMessageId, 'full', attachment.file);
      this.text = '';
      this.mode = null;
      this.attachment = this.clearedAttachment();
      this.showPending(result, {
        type: attachment.kind,
        body: caption,
        quotedMessageId: replyTo?.id ?? null,
        hasMedia: true,
        media: {
          filename: attachment.file.name,
          mimetype: attachment.file.type || 'application/octet-stream',
          size: attachment.file.size,
          state: attachment.kind === 'image' ? 'done' : 'none',
        } as Message['media'],
      });
    });
    this.progress = null;
  }

  // ---- location and poll ----

  openPanel(panel: ComposerPanel): void {
    this.panel = this.panel === panel ? null : panel;
    this.error = null;
  }

  async sendLocation(place: { latitude: number; longitude: number; name?: string; address?: string }): Promise<boolean> {
    return this.run(async () => {
      const result = await this.deps.api.sendMessage(this.sessionId, { type: 'location', to: this.chatJid, ...place });
      this.panel = null;
      const label = place.name || `${place.latitude}, ${place.longitude}`;
      this.showPending(result, {
        type: 'location',
        body: label,
        location: { latitude: place.latitude, longitude: place.longitude, name: place.name ?? null, address: place.address ?? null, url: null, live: false },
      } as Partial<Message>);
    });
  }

  async sendPoll(poll: { name: string; options: string[]; multiple: boolean }): Promise<boolean> {
    const options = poll.options.map((o) => o.trim()).filter((o) => o !== '');
    return this.run(async () => {
      const result = await this.deps.api.sendMessage(this.sessionId, {
        type: 'poll',
        to: this.chatJid,
        name: poll.name.trim(),
        options,
        selectableCount: poll.multiple ? options.length : 1,
      });
      this.panel = null;
      this.showPending(result, {
        type: 'poll',
        body: poll.name.trim(),
        poll: { name: poll.name.trim(), options: options.map((name) => ({ name, votes: 0 })), selectableCount: poll.multiple ? options.length : 1 },
      } as Partial<Message>);
    });
  }

  // ---- actions on a message ----

  /** Picks a reaction; picking the one we already gave (`current`) removes it. */
  async react(message: Message, picked: string, current: string | null): Promise<void> {
    const emoji = reactionToSend(picked, current);
    await this.onMessage(message, async () => {
      const result = await this.deps.api.sendMessage(this.sessionId, { type: 'reaction', to: this.chatJid, messageId: message.id, emoji });
      // The reaction as the store will have it (the realtime copy has the same id and replaces it).
      this.deps.conversation.addMessage(pendingMessage(this.deps.session(), this.chatJid, result, { type: 'reaction', body: emoji, quotedMessageId: message.id }));
    });
  }

  askDelete(message: Message): void {
    this.deleting = message;
  }

  async confirmDelete(scope: 'everyone' | 'me'): Promise<void> {
    const message = this.deleting;
    if (!message) return;
    const ok = await this.onMessage(message, async () => {
      await this.deps.api.deleteMessage(this.sessionId, this.chatJid, message.id, scope);
      if (scope === 'everyone') this.deps.conversation.applyStatus({ waMessageId: message.waMessageId, chatJid: this.chatJid, deleted: true });
      else this.deps.conversation.removeMessage(message.id);
    });
    // On failure the dialog stays open with the gateway's reason (too late, not ours).
    if (!ok) return;
    if (this.deleting === message) this.deleting = null;
    if (this.mode && this.mode.message.id === message.id) this.cancel();
  }

  askForward(message: Message): void {
    this.forwarding = message;
  }

  async forwardTo(chatJid: string, chatName: string): Promise<boolean> {
    const message = this.forwarding;
    if (!message) return false;
    const ok = await this.onMessage(message, async () => {
      await this.deps.api.sendMessage(this.sessionId, { type: 'forward', to: chatJid, messageId: message.id, fromChat: this.chatJid });
    });
    if (ok) {
      this.forwarding = null;
      this.deps.toast(`Forwarded to ${chatName}`);
    }
    return ok;
  }

  /** Sends a failed message again; it shows as pending until its new receipts come. */
  async retry(message: Message): Promise<void> {
    await this.onMessage(message, async () => {
      const result = await this.deps.api.retryMessage(this.sessionId, this.chatJid, message.id);
      if (result.waMessageId === message.waMessageId || result.waMessageId === message.id) {
        this.deps.conversation.applyStatus({
          waMessageId: message.waMessageId,
          chatJid: this.chatJid,
          ackLevel: result.status === 'sent' ? 2 : 1,
          status: result.status ?? 'pending',
          error: null,
        });
      } else {
        // Sent again under a new id: the failed copy gives way to the new one.
        this.deps.conversation.removeMessage(message.id);
        this.showPending(result, { ...message, id: result.waMessageId, waMessageId: result.waMessageId, error: null });
      }
    });
  }

  errorOf(messageId: string): string | null {
    return this.messageErrors.get(messageId) ?? null;
  }

  dismissError(messageId: string): void {
    this.setMessageError(messageId, null);
  }

  isBusy(messageId: string): boolean {
    return this.busy.has(messageId);
  }

  /** The chat is left: stop typing, free the preview. */
  dispose(): void {
    this.disposed = true;
    this.typing.dispose();
    this.clearedAttachment();
  }

  // ---- helpers ----

  /** Runs a composer send: one at a time, the error in words above the input, typing stopped on success. */
  private async run(action: () => Promise<void>): Promise<boolean> {
    this.sending = true;
    this.error = null;
    try {
      await action();
      this.typing.stop();
      this.focusRequest++;
      return true;
    } catch (error) {
      if (!this.disposed) this.error = readableActionError(error);
      return false;
    } finally {
      if (!this.disposed) this.sending = false;
    }
  }

  /** Runs an action on one message: its error shows on the bubble (and in the dialog that asked for it). */
  private async onMessage(message: Message, action: () => Promise<void>): Promise<boolean> {
    if (this.busy.has(message.id)) return false;
    this.busy = new Set([...this.busy, message.id]);
    this.setMessageError(message.id, null);
    try {
      await action();
      return true;
    } catch (error) {
      if (!this.disposed) this.setMessageError(message.id, readableActionError(error));
      return false;
    } finally {
      const next = new Set(this.busy);
      next.delete(message.id);
      this.busy = next;
    }
  }

  private setMessageError(id: string, text: string | null): void {
    if ((this.messageErrors.get(id) ?? null) === text) return;
    const next = new Map(this.messageErrors);
    if (text === null) next.delete(id);
    else next.set(id, text);
    this.messageErrors = next;
  }

  private clearedAttachment(): null {
    if (this.attachment?.previewUrl) URL.revokeObjectURL(this.attachment.previewUrl);
    return null;
  }

  private showPending(result: SendResult, fields: Partial<Message>): void {
    if (this.deps.conversation.messages.some((m) => m.id === result.waMessageId)) return;
    this.deps.onLocal(pendingMessage(this.deps.session(), this.chatJid, result, fields));
  }

}

/** A send WhatsApp refused at once that the gateway stored as a failed message (API.md: 502, details.waMessageId). */
function storedAsFailed(error: unknown): boolean {
  return error instanceof ApiError && typeof error.details['waMessageId'] === 'string';
}
