/**
 * The slice of a Baileys socket the gateway uses. The real one comes from makeWASocket; the sandbox builds
 * one around a real makeEventBuffer, so both go through the same adapter and the same ingestion.
 */
import type { AuthenticationState, WAMessageKey, WASocket, proto } from '@whiskeysockets/baileys';
import type { Logger } from 'pino';

export type SocketLike = Pick<
  WASocket,
  | 'ev'
  | 'user'
  | 'end'
  | 'logout'
  | 'requestPairingCode'
  | 'sendMessage'
  | 'sendPresenceUpdate'
  | 'presenceSubscribe'
  | 'newsletterCreate'
  | 'newsletterFollow'
  | 'fetchMessageHistory'
  | 'groupMetadata'
  // issue 13: read receipts
  | 'readMessages'
> &
  /** The phone's media re-upload (the media queue's live port, media/queue.ts); optional for test doubles. */
  Partial<Pick<WASocket, 'updateMediaMessage'>>;

export interface SocketFactoryOptions {
  sessionId: string;
  /** Auth state backed by SQLite (creds + cacheable key store). */
  auth: AuthenticationState;
  logger: Logger;
  /** Ask for the full history at pairing time. */
  fullHistory: boolean;
  /** Serves stored message content for retries (BAILEYS.md: getMessage). */
  getMessage: (key: WAMessageKey) => Promise<proto.IMessage | undefined>;
}

/** Makes one socket. The real factory wraps makeWASocket; the sandbox's returns a simulated socket. */
export type SocketFactory = (options: SocketFactoryOptions) => SocketLike;
