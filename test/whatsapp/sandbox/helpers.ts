/** Test helpers for the sandbox: a manual clock with injectable timers, auth state, and an event recorder. */
import { BufferJSON, initAuthCreds, type AuthenticationState, type BaileysEventMap } from '@whiskeysockets/baileys';
import pino from 'pino';
import type { SocketFactoryOptions, SocketLike } from '../../../src-main/whatsapp/socket.js';
import type { SandboxTimers } from '../../../src-main/whatsapp/sandbox/index.js';

export const silentLogger = pino({ level: 'silent' });

interface Timer {
  id: number;
  at: number;
  fn: () => void;
  every: number | null;
}

/** A clock that only moves when told; timers fire in time order (ties in creation order). */
export class ManualClock {
  private current: number;
  private nextId = 1;
  private readonly timers = new Map<number, Timer>();

  constructor(start = Date.UTC(2026, 5, 1, 9, 0, 0)) {
    this.current = start;
  }

  readonly now = (): number => this.current;

  readonly timerFns: SandboxTimers = {
    setTimeout: (fn, ms) => this.add(fn, ms, null),
    clearTimeout: (handle) => void this.timers.delete(handle as unknown as number),
    setInterval: (fn, ms) => this.add(fn, ms, ms),
    clearInterval: (handle) => void this.timers.delete(handle as unknown as number),
  };

  private add(fn: () => void, ms: number, every: number | null): number {
    const id = this.nextId++;
    this.timers.set(id, { id, at: this.current + Math.max(0, ms), fn, every });
    return id;
  }

  get pending(): number {
    return this.timers.size;
  }

  /** Moves time forward by ms, running every timer that falls due (including ones scheduled meanwhile). */
  advance(ms: number): void {
    const until = this.current + ms;
    for (;;) {
      let next: Timer | null = null;
      for (const t of this.timers.values()) if (t.at <= until && (!next || t.at < next.at || (t.at === next.at && t.id < next.id))) next = t;
      if (!next) break;
      this.current = Math.max(this.current, next.at);
      if (next.every !== null) next.at += Math.max(1, next.every);
      else this.timers.delete(next.id);
      next.fn();
    }
    this.current = until;
  }
}

export function freshAuth(): AuthenticationState {
  return {
    creds: initAuthCreds(),
    keys: { get: async () => ({}), set: async () => {} } as unknown as AuthenticationState['keys'],
  };
}

export function socketOptions(sessionId: string, auth: AuthenticationState): SocketFactoryOptions {
  return { sessionId, auth, logger: silentLogger, fullHistory: true, getMessage: async () => undefined };
}

export type RecordedEvent = { [K in keyof BaileysEventMap]: { name: K; data: BaileysEventMap[K] } }[keyof BaileysEventMap];

/** Records every event the socket emits, in order (through the event buffer's generic 'event' stream). */
export function record(sock: SocketLike): RecordedEvent[] {
  const events: RecordedEvent[] = [];
  sock.ev.process((map) => {
    for (const [name, data] of Object.entries(map)) events.push({ name, data } as RecordedEvent);
  });
  return events;
}

export function ofType<K extends keyof BaileysEventMap>(events: RecordedEvent[], name: K): BaileysEventMap[K][] {
  return events.filter((e) => e.name === name).map((e) => e.data as BaileysEventMap[K]);
}

/** A stable text form of recorded events (Buffers, Longs and protos serialised). */
export function serialise(events: unknown): string {
  return JSON.stringify(events, BufferJSON.replacer);
}
