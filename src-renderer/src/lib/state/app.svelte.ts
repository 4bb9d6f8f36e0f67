/**
 * The application state root: auth, sessions, the selected session's inbox, API keys, realtime routing and
 * toasts. One instance (`app`) is shared by every component.
 */
import { RealtimeConnection, type RealtimeStatus, type SocketLike } from '../api/realtime.js';
import type { Message, RealtimeFrame, RealtimePayloads, Session } from '../api/types.js';
import { AuthState } from './auth.svelte.js';
import { InboxState } from './inbox.svelte.js';
import { KeysState } from './keys.svelte.js';
import { SessionsState } from './sessions.svelte.js';

export type View = 'inbox' | 'sessions' | 'keys';

export interface Toast {
  id: number;
  text: string;
  tone: 'info' | 'error';
}

export class AppState {
  readonly auth = new AuthState();
  readonly sessions = new SessionsState(this.auth.api);
  readonly keys = new KeysState(this.auth.api);
  view = $state<View>('inbox');
  selectedSessionId = $state<string | null>(null);
  inbox = $state.raw<InboxState | null>(null);
  realtimeStatus = $state<RealtimeStatus>('idle');
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
    const inbox = new InboxState(this.api, id);
    this.inbox = inbox;
    void inbox.start();
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
      this.realtimeStatus = status;
    });
    realtime.onEvent((frame) => this.route(frame));
    this.realtime = realtime;
    realtime.start();
  }

  /** Sends one realtime frame to the state it concerns. */
  private route(frame: RealtimeFrame): void {
    const inbox = this.inbox && this.inbox.sessionId === frame.session ? this.inbox : null;
    switch (frame.event) {
      case 'session.status': {
        const session = frame.payload as RealtimePayloads['session.status'];
        const before = this.sessions.get(frame.session)?.status;
        this.sessions.upsert(session);
        if (session.status !== before) inbox?.refreshSoon();
        break;
      }
      case 'sync.progress': {
        const p = frame.payload as RealtimePayloads['sync.progress'];
        this.sessions.applySync(frame.session, p);
        // History batches are stored without per-message events: re-read the lists as they land.
        inbox?.refreshSoon();
        break;
      }
      case 'auth.qr':
        this.sessions.setQr(frame.session, frame.payload as RealtimePayloads['auth.qr']);
        break;
      case 'message':
        inbox?.onMessage(frame.payload as Message);
        break;
      case 'message.status':
        inbox?.onStatus(frame.payload as RealtimePayloads['message.status']);
        break;
      case 'chat.deleted':
        inbox?.onChatDeleted((frame.payload as RealtimePayloads['chat.deleted']).chatJid);
        break;
    }
  }
}

export const app = new AppState();
