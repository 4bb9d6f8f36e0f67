/**
 * The port through which the gateway talks to WhatsApp. Adapters: the real Baileys client
 * (src-main/whatsapp/baileys) and the sandbox (src-main/whatsapp/sandbox), which drives the same
 * Baileys adapter through a simulated socket.
 *
 * One WhatsAppClient is one connection attempt (one Baileys socket). Reconnecting means the session
 * manager creates a new client; updates from a client that is no longer current are ignored by it.
 */
import type { GroupMetadataRecord } from './types.js';

export type PresenceState = 'composing' | 'recording' | 'paused';
export const PRESENCE_STATES: readonly PresenceState[] = ['composing', 'recording', 'paused'];

export interface AccountIdentity {
  /** Phone-number JID, e.g. 6281234567890@s.whatsapp.net (device suffix stripped). */
  jid: string;
  lid: string | null;
  phoneNumber: string;
}

/** What a client reports about its connection; the session manager turns it into a session status. */
export type ClientUpdate =
  | { kind: 'connecting' }
  | { kind: 'qr'; code: string; expiresAt: number }
  | { kind: 'paired'; me: AccountIdentity }
  | { kind: 'open'; me: AccountIdentity }
  /** statusCode is Baileys' DisconnectReason (lastDisconnect.error.output.statusCode); undefined = our own end(). */
  | { kind: 'closed'; statusCode: number | undefined; reason: string };

export interface OutgoingText {
  to: string;
  text: string;
  replyTo?: string | undefined;
  mentions?: string[] | undefined;
}

// ---- issue 13: every kind of outgoing message, edits, revokes, read receipts, retries ----

export type OutgoingMediaKind = 'image' | 'video' | 'audio' | 'document' | 'sticker';

/** A media send; the bytes are already kept in the media store under `sha256` (the app service put them there). */
export interface OutgoingMedia {
  type: OutgoingMediaKind;
  to: string;
  data: Buffer;
  /** Lower-case hex sha256 of `data`: the media store's name of the file. */
  sha256: string;
  mimetype: string;
  filename?: string | undefined;
  caption?: string | undefined;
  /** Audio only: a voice note. */
  ptt?: boolean | undefined;
  replyTo?: string | undefined;
}

export interface OutgoingLocation {
  type: 'location';
  to: string;
  latitude: number;
  longitude: number;
  name?: string | undefined;
  address?: string | undefined;
  replyTo?: string | undefined;
}

export interface OutgoingPoll {
  type: 'poll';
  to: string;
  name: string;
  options: string[];
  /** 0 = any number of options; 1 = a single choice. */
  selectableCount: number;
}

export interface OutgoingReaction {
  type: 'reaction';
  to: string;
  messageId: string;
  /** '' takes our reaction back. */
  emoji: string;
}

export interface OutgoingForward {
  type: 'forward';
  to: string;
  messageId: string;
  fromChat: string;
}

export type OutgoingMessage =
  | ({ type: 'text' } & OutgoingText)
  | OutgoingMedia
  | OutgoingLocation
  | OutgoingPoll
  | OutgoingReaction
  | OutgoingForward;

/** Options of a send: `retryOf` sends a failed message of ours again under its own id instead of a new one. */
export interface SendOptions {
  retryOf?: string | undefined;
}

/** A stored message a live action names (edit, revoke, read receipts): its chat and key as WhatsApp knows it. */
export interface MessageRef {
  chatJid: string;
  waMessageId: string;
  fromMe: boolean;
  /** Group author (JID or LID) of an incoming group message. */
  participant?: string | null | undefined;
}

export interface SendResult {
  waMessageId: string;
  status: 'pending' | 'sent' | 'delivered' | 'read' | 'played' | 'error';
  timestamp: number;
}

export interface ChannelInfo {
  jid: string;
  name: string;
  description: string | null;
  invite: string | null;
  subscribers: number | null;
  createdAt: number | null;
}

export interface WhatsAppClient {
  /** True for a simulated (sandbox) account. */
  readonly sandbox: boolean;
  /** Opens the connection; progress and pairing are reported through ClientHooks.onUpdate. */
  connect(): Promise<void>;
  /** Ends the connection on purpose (reported as closed with statusCode undefined). Idempotent. */
  close(): Promise<void>;
  /** Unpairs the device on WhatsApp's side, then closes. */
  logout(): Promise<void>;
  /** Phone-number pairing; phone is digits only with country code. */
  requestPairingCode(phone: string): Promise<string>;
  sendPresence(chatJid: string, state: PresenceState): Promise<void>;
  sendText(message: OutgoingText): Promise<SendResult>;
  /** Any kind (issue 13): stored at once as pending, then sent; a failure is stored on the message and thrown. */
  send(message: OutgoingMessage, options?: SendOptions): Promise<SendResult>;
  /** Edits our own text message (Baileys `{text, edit: key}`); stores the new body and announces it. */
  editMessage(ref: MessageRef, text: string): Promise<void>;
  /** Revokes our own message for everyone (Baileys `{delete: key}`); stores it as revoked and announces it. */
  revokeMessage(ref: MessageRef): Promise<void>;
  /** Sends read receipts for these incoming messages (Baileys readMessages). */
  sendReadReceipts(refs: MessageRef[]): Promise<void>;
  createChannel(name: string, description?: string): Promise<ChannelInfo>;
  followChannel(jid: string): Promise<void>;
  /**
   * Asks the phone for up to `count` messages of a chat older than the given one (Baileys'
   * fetchMessageHistory). Resolves once asked; the answer arrives later as an ON_DEMAND history set.
   */
  fetchHistory(chatJid: string, oldest: HistoryAnchor | null, count: number): Promise<void>;
  /**
   * Asks WhatsApp for a group's current metadata (Baileys' groupMetadata): subject, description, owner,
   * creation and the whole participant list. A group the account is not in fails (an upstream error).
   */
  groupMetadata(groupJid: string): Promise<GroupMetadataRecord>;
}

/** The oldest stored message of a chat, where a backfill continues from (none: from now). */
export interface HistoryAnchor {
  waMessageId: string;
  fromMe: boolean;
  /** Epoch milliseconds. */
  timestamp: number;
}

export interface ClientHooks {
  onUpdate(update: ClientUpdate): void;
}

export interface ClientContext {
  sessionId: string;
  organizationId: string;
  /** Ask for full history at pairing time (Browsers.macOS('Desktop') + syncFullHistory). */
  fullHistory: boolean;
  hooks: ClientHooks;
}

/** Makes one client (one socket) for a session. The gateway chooses the factory per session (sandbox or Baileys). */
export type WhatsAppClientFactory = (ctx: ClientContext) => WhatsAppClient;
