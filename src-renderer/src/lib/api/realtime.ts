/**
 * The realtime WebSocket: one ticket per connection (POST /realtime/ticket), frames parsed and fanned out to
 * listeners, and on any drop a reconnect with a fresh ticket and `after=<last event id>` so nothing is missed.
 * DOM-free (the socket comes from a factory) so it runs under Node in tests with the `ws` package.
 */
import { reconnectDelay } from '../logic/auth-timing.js';
import { EVENT_NAMES } from '@core/events.js';
import type { RealtimeEventName, RealtimeFrame, RealtimeTicket } from './types.js';

/** The part of a WebSocket this module uses (browser WebSocket and `ws` both fit). */
export interface SocketLike {
  onopen: ((event: unknown) => void) | null;
  onmessage: ((event: { data: unknown }) => void) | null;
  onclose: ((event: unknown) => void) | null;
  onerror: ((event: unknown) => void) | null;
  close(code?: number, reason?: string): void;
}

export type RealtimeStatus = 'idle' | 'connecting' | 'open' | 'reconnecting' | 'stopped';

export interface RealtimeOptions {
  getTicket: () => Promise<RealtimeTicket>;
  openSocket: (url: string) => SocketLike;
  /** Base the ticket's url is resolved against when it is relative (the API base). */
  apiBase: string;
  /** Backoff before reconnect attempt n (0-based). */
  delayFor?: (attempt: number) => number;
}

const EVENTS: ReadonlySet<string> = new Set<RealtimeEventName>(EVENT_NAMES);

/** Parses one frame; null for anything that is not a v1 frame of a known event. */
export function parseFrame(data: unknown): RealtimeFrame | null {
  let text: string;
  if (typeof data === 'string') text = data;
  else if (data instanceof ArrayBuffer) text = new TextDecoder().decode(data);
  else if (ArrayBuffer.isView(data))
    text = new TextDecoder().decode(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
  else return null;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return null;
  }
  if (!value || typeof value !== 'object') return null;
  const f = value as Record<string, unknown>;
  if (f['schema'] !== 'v1' || typeof f['id'] !== 'string' || typeof f['event'] !== 'string') return null;
  if (!EVENTS.has(f['event']) || !f['payload'] || typeof f['payload'] !== 'object') return null;
  return value as RealtimeFrame;
}

/**
 * The socket URL for a ticket: relative URLs are resolved against the API base, http(s) becomes ws(s), and
 * `after` is added when resuming.
 */
export function socketUrl(ticketUrl: string, apiBase: string, after: string | null): string {
  const url = new URL(ticketUrl, apiBase);
  if (url.protocol === 'http:') url.protocol = 'ws:';
  else if (url.protocol === 'https:') url.protocol = 'wss:';
  if (after) url.searchParams.set('after', after);
  return url.toString();
}

export class RealtimeConnection {
  private socket: SocketLike | null = null;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private attempt = 0;
  private running = false;
  /** Bumped on every (re)connect so callbacks of an abandoned socket are ignored. */
  private generation = 0;
  private readonly recentIds: string[] = [];
  private readonly listeners = new Set<(frame: RealtimeFrame) => void>();
  private readonly statusListeners = new Set<(status: RealtimeStatus) => void>();
  status: RealtimeStatus = 'idle';
  lastEventId: string | null = null;

  constructor(private readonly options: RealtimeOptions) {}

  onEvent(listener: (frame: RealtimeFrame) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  onStatus(listener: (status: RealtimeStatus) => void): () => void {
    this.statusListeners.add(listener);
    return () => this.statusListeners.delete(listener);
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.attempt = 0;
    void this.connect();
  }

  stop(): void {
    this.running = false;
    this.generation++;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const socket = this.socket;
    this.socket = null;
    try {
      socket?.close(1000, 'client stopped');
    } catch {
      // Already closed.
    }
    this.setStatus('stopped');
  }

  /** Drops the current socket and reconnects now (e.g. after the token was renewed). */
  reconnectNow(): void {
    if (!this.running) return;
    this.attempt = 0;
    this.dropSocket();
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    void this.connect();
  }

  private dropSocket(): void {
    this.generation++;
    const socket = this.socket;
    this.socket = null;
    try {
      socket?.close(1000, 'reconnecting');
    } catch {
      // Already closed.
    }
  }

  private async connect(): Promise<void> {
    const generation = ++this.generation;
    this.setStatus(this.attempt === 0 && this.lastEventId === null ? 'connecting' : 'reconnecting');
    let ticket: RealtimeTicket;
    try {
      ticket = await this.options.getTicket();
    } catch {
      if (generation === this.generation) this.scheduleReconnect();
      return;
    }
    if (generation !== this.generation || !this.running) return;
    let socket: SocketLike;
    try {
      socket = this.options.openSocket(socketUrl(ticket.url, this.options.apiBase, this.lastEventId));
    } catch {
      this.scheduleReconnect();
      return;
    }
    this.socket = socket;
    socket.onopen = () => {
      if (generation !== this.generation) return;
      this.attempt = 0;
      this.setStatus('open');
    };
    socket.onmessage = (event) => {
      if (generation !== this.generation) return;
      this.handleFrame(event.data);
    };
    socket.onerror = () => {
      // The close event follows; reconnecting happens there.
    };
    socket.onclose = () => {
      if (generation !== this.generation) return;
      this.socket = null;
      this.scheduleReconnect();
    };
  }

  private scheduleReconnect(): void {
    if (!this.running) return;
    this.setStatus('reconnecting');
    const delay = (this.options.delayFor ?? reconnectDelay)(this.attempt++);
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      if (this.running) void this.connect();
    }, delay);
  }

  private handleFrame(data: unknown): void {
    const frame = parseFrame(data);
    if (!frame) return;
    // A resumed stream may repeat the boundary event; deliver each id once.
    if (this.recentIds.includes(frame.id)) return;
    this.recentIds.push(frame.id);
    if (this.recentIds.length > 500) this.recentIds.shift();
    this.lastEventId = frame.id;
    for (const listener of this.listeners) {
      try {
        listener(frame);
      } catch (error) {
        console.error('realtime listener failed', error);
      }
    }
  }

  private setStatus(status: RealtimeStatus): void {
    if (this.status === status) return;
    this.status = status;
    for (const listener of this.statusListeners) {
      try {
        listener(status);
      } catch (error) {
        console.error('realtime status listener failed', error);
      }
    }
  }
}
