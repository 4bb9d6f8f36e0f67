/** Test helpers for the sandbox: a manual clock with injectable timers, auth state, and an event recorder. */
import { BufferJSON, initAuthCreds, type AuthenticationState, type BaileysEventMap } from '@whiskeysockets/baileys';
import pino from 'pino';
import type { SocketFactoryOptions, SocketLike } from '../../../src-main/whatsapp/socket.js';
import type { SandboxTimers } from '../../../src-main/whatsapp/sandbox/index.js';

export const silentLogger = pino({ level: 'silent' });


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
