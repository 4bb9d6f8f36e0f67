/**
 * The application state root: auth, sessions, the selected session's inbox, API keys, realtime routing and
 * toasts. One instance (`app`) is shared by every component.
 */
import { RealtimeConnection, type RealtimeStatus, type SocketLike } from '../api/realtime.js';
import type { RealtimeFrame, Session } from '../api/types.js';
import { AuthState } from './auth.svelte.js';
import { InboxState } from './inbox.svelte.js';
import { KeysState } from './keys.svelte.js';
import { ActivityState } from './activity.svelte.js';
import { SessionsState } from './sessions.svelte.js';
import { WebhooksState } from './webhooks.svelte.js';

export type View = 'inbox' | 'sessions' | 'keys' | 'webhooks' | 'activity';

export interface Toast {
  id: number;
  text: string;
  tone: 'info' | 'error';
}

export class AppState {
  readonly auth = new AuthState();
  readonly sessions = new SessionsState(this.auth.api);
  readonly keys = new KeysState(this.auth.api);
  readonly webhooks = new WebhooksState(this.auth.api);
  readonly activity = new ActivityState(this.auth.api);
  view = $state<View>('inbox');
  selectedSessionId = $state<string | null>(null);
  inbox = $state.raw<InboxState | null>(null);
  realtimeStatus = $state<RealtimeStatus>('idle');
  /** How many times the realtime socket opened: a change after the first means events may have been missed. */
  realtimeOpens = $state(0);
  toasts = $state.raw<Toast[]>([]);
  private toastSeq = 0;
  private realtime: RealtimeConnection | null = null;

  get api() {
    return this.auth.api;
  }

  get selectedSession(): Session | undefined {
    return this.sessions.get(this.selectedSessionId);
  }

  async start(): Promise<void> {
    await this.auth.init();
    if (this.auth.status !== 'signed-in') return;
    this.startRealtime();
    await this.sessions.load();
    const preferred =
      this.sessions.list.find((s) => s.status === 'working') ?? this.sessions.list[0] ?? null;
    if (preferred) this.selectSession(preferred.id);
    // Nothing paired yet: the first thing to do is pairing (or trying the sandbox).
    if (!preferred || preferred.status !== 'working') this.view = 'sessions';
  }

  selectSession(id: string | null): void {
    if (id === this.selectedSessionId && this.inbox) return;
    this.inbox?.dispose();
    this.selectedSessionId = id;
    if (id === null) {
      this.inbox = null;
      return;
    }
    const inbox = new InboxState(this.api, id, this.auth.documentOpener);
    this.inbox = inbox;
    void inbox.start();
  }

  /** A session that is gone (deleted here, through the API or by the CLI): off the list, and not selected. */
  forgetSession(id: string): void {
    this.sessions.remove(id);
    if (this.selectedSessionId === id) this.selectSession(this.sessions.list[0]?.id ?? null);
  }

  toast(text: string, tone: Toast['tone'] = 'info'): void {
    const toast: Toast = { id: ++this.toastSeq, text, tone };
    this.toasts = [...this.toasts, toast].slice(-4);
    setTimeout(() => this.dismissToast(toast.id), tone === 'error' ? 8000 : 4000);
  }

  dismissToast(id: number): void {
    this.toasts = this.toasts.filter((t) => t.id !== id);
  }

  private startRealtime(): void {
    if (this.realtime) return;
    const realtime = new RealtimeConnection({
      apiBase: this.auth.apiBase,
      getTicket: () => this.api.realtimeTicket(),
      openSocket: (url) => new WebSocket(url) as unknown as SocketLike,
    });
    realtime.onStatus((status) => {
      if (status === 'open' && this.realtimeStatus !== 'open') this.realtimeOpens += 1;
      this.realtimeStatus = status;
    });
    realtime.onEvent((frame) => this.route(frame));
    this.realtime = realtime;
    realtime.start();
  }

  /** Sends one realtime frame to the state it concerns (payload types: src-main/core/events.ts via @core). */
  private route(frame: RealtimeFrame): void {
    const inbox = this.inbox && this.inbox.sessionId === frame.session ? this.inbox : null;
    switch (frame.event) {
      case 'session.status': {
        const session = frame.payload;
        // The last status of a deleted session (core/event-payloads.ts sessionDeletedPayload).
        if (session.deleted) {
          this.forgetSession(frame.session);
          break;
        }
        const before = this.sessions.get(frame.session)?.status;
        this.sessions.upsert(session);
        if (session.status !== before) inbox?.refreshSoon();
        break;
      }
      case 'sync.progress':
        // With a chatJid it is one chat's backfill, not the session's sync.
        if (frame.payload.chatJid) {
          inbox?.onChatBackfill(frame.payload);
          break;
        }
        this.sessions.applySync(frame.session, frame.payload);
        // History batches are stored without per-message events: re-read the lists as they land.
        inbox?.refreshSoon();
        break;
      case 'auth.qr':
        this.sessions.setQr(frame.session, frame.payload);
        break;
      case 'message':
        inbox?.onMessage(frame.payload);
        break;
      case 'message.status':
        inbox?.onStatus(frame.payload);
        break;
      case 'chat.deleted':
        inbox?.onChatDeleted(frame.payload);
        break;
      case 'message.removed':
        inbox?.onMessageRemoved(frame.payload);
        break;
      case 'chat.updated':
        inbox?.setChat(frame.payload);
        break;
      case 'webhook.disabled':
        this.webhooks.onChanged();
        break;
      case 'media.downloaded':
        inbox?.media.onDownloaded(frame.payload);
        this.sessions.storageChanged(frame.session);
        break;
      case 'media.failed':
        inbox?.media.onFailed(frame.payload);
        this.sessions.storageChanged(frame.session);
        break;
      // webhook.test goes only to the webhook being tested; unknown names never reach this (realtime.ts).
    }
  }
}

export const app = new AppState();
