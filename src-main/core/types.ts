/**
 * Domain types shared by the store, the API and the WhatsApp adapters.
 * API shapes (Session, Chat, Channel, Message) follow docs/API.md field for field.
 */

export type Capability = 'read' | 'send' | 'manage';
export const CAPABILITIES: readonly Capability[] = ['read', 'send', 'manage'];
export type Role = 'owner' | 'admin' | 'member';

export const ROLE_CAPABILITIES: Record<Role, readonly Capability[]> = {
  owner: ['read', 'send', 'manage'],
  admin: ['read', 'send', 'manage'],
  member: ['read', 'send'],
};

/** Who is calling: a person with a login JWT, or a script with an API key. */
export type Principal =
  | { kind: 'user'; subject: string; organizationId: string; role: Role; capabilities: readonly Capability[] }
  | { kind: 'api_key'; keyId: string; organizationId: string; capabilities: readonly Capability[] };

export type SessionStatus = 'stopped' | 'starting' | 'scan_qr_code' | 'working' | 'failed' | 'logged_out';
export const SESSION_STATUSES: readonly SessionStatus[] = [
  'stopped',
  'starting',
  'scan_qr_code',
  'working',
  'failed',
  'logged_out',
];

export type SyncState = 'idle' | 'syncing' | 'paused' | 'complete';

export interface Session {
  id: string;
  label: string;
  status: SessionStatus;
  live: boolean;
  sandbox: boolean;
  phoneNumber: string | null;
  waJid: string | null;
  waLid: string | null;
  autoRead: boolean;
  presenceTyping: boolean;
  organizationId: string;
  createdAt: number;
  updatedAt: number;
  lastConnectedAt: number | null;
  sync: { state: SyncState; progress: number };
  /** Why the session last failed to connect (ours, issue 13); null once it connects again. */
  lastError: SessionError | null;
}

/**
 * Codes of Session.lastError (ours). `unreachable`: no connection to WhatsApp at all (a timeout or refused
 * socket before any QR); `pairing_attempts`: pairing was retried up to its cap; the rest follow the close codes
 * of docs/BAILEYS.md (reconnect-policy.ts).
 */
export type SessionErrorCode =
  | 'unreachable'
  | 'pairing_attempts'
  | 'qr_expired'
  | 'timeout'
  | 'connection_closed'
  | 'bad_session'
  | 'unavailable'
  | 'logged_out'
  | 'forbidden'
  | 'replaced'
  | 'mismatch'
  | 'client_error';

export interface SessionError {
  code: SessionErrorCode;
  /** A sentence for people, e.g. "Can't reach WhatsApp (timeout)". */
  reason: string;
  /** Epoch ms of the failure. */
  at: number;
}

export type ChatType = 'dm' | 'group';

export interface Chat {
  jid: string;
  name: string | null;
  type: ChatType;
  lastMessageAt: number | null;
  lastMessage: Message | null;
  unreadCount: number;
  archived: boolean;
  pinned: boolean;
  mutedUntil: number | null;
  sessionId: string;
}

export interface Channel {
  jid: string;
  name: string | null;
  description: string | null;
  subscribers: number | null;
  following: boolean;
  lastMessageAt: number | null;
  sessionId: string;
}

export type MessageType =
  | 'text'
  | 'image'
  | 'video'
  | 'audio'
  | 'document'
  | 'sticker'
  | 'location'
  | 'contact'
  | 'poll'
  | 'reaction'
  | 'system'
  | 'unknown';

export const MESSAGE_TYPES: readonly MessageType[] = [
  'text',
  'image',
  'video',
  'audio',
  'document',
  'sticker',
  'location',
  'contact',
  'poll',
  'reaction',
  'system',
  'unknown',
];

export type MessageStatus = 'error' | 'pending' | 'sent' | 'delivered' | 'read' | 'played';
/** ackLevel -> status word; index is the ackLevel (WAMessageStatus). */
export const ACK_STATUS: readonly MessageStatus[] = ['error', 'pending', 'sent', 'delivered', 'read', 'played'];

export function ackStatus(ackLevel: number): MessageStatus {
  return ACK_STATUS[Math.max(0, Math.min(5, ackLevel))] ?? 'pending';
}

export interface MediaInfo {
  filename: string | null;
  mimetype: string | null;
  size: number | null;
  /**
   * Read from the stored payload when a Message is served by the API (docs/API.md "The archive in use");
   * absent on realtime 'message' events, which are built before any download exists.
   */
  width?: number | null;
  height?: number | null;
  seconds?: number | null;
  ptt?: boolean;
  animated?: boolean;
  pageCount?: number | null;
  /** The message embeds a JPEG preview (GET .../media?variant=thumbnail). */
  thumbnail?: boolean;
  /** The archive's copy: none (not requested), queued, done (stored), failed, expired (gone from WhatsApp). */
  state?: MediaState;
}

export type MediaState = 'none' | 'queued' | 'done' | 'failed' | 'expired';
export const MEDIA_STATES: readonly MediaState[] = ['none', 'queued', 'done', 'failed', 'expired'];

export interface MessageLocation {
  latitude: number;
  longitude: number;
  name: string | null;
  address: string | null;
  url: string | null;
  live: boolean;
}

export interface MessageContactCard {
  name: string | null;
  phones: string[];
}

export interface MessagePoll {
  name: string;
  options: { name: string; votes: number }[];
  selectableCount: number;
}

export interface MessageReaction {
  emoji: string;
  senderJid: string | null;
  senderLid: string | null;
  /** Ours (issue 13): who reacted, by name (null for our own reactions); set when served. */
  senderName?: string | null;
  timestamp: number;
}

/** What a stored payload tells beyond the message columns (read by whatsapp/message-details.ts). */
export interface PayloadDetails {
  media?: Required<Pick<MediaInfo, 'width' | 'height' | 'seconds' | 'ptt' | 'animated' | 'pageCount' | 'thumbnail'>>;
  location?: MessageLocation;
  contacts?: MessageContactCard[];
  poll?: MessagePoll;
}

/** What the API adds to a stored Message from its payload and its reactions (absent when there is none). */
export interface MessageDetails {
  location?: MessageLocation;
  contacts?: MessageContactCard[];
  poll?: MessagePoll;
  reactions?: MessageReaction[];
}

export interface Message {
  id: string;
  waMessageId: string;
  sessionId: string;
  chatJid: string;
  direction: 'in' | 'out';
  fromMe: boolean;
  senderJid: string | null;
  senderLid: string | null;
  senderName: string | null;
  type: MessageType;
  body: string;
  hasMedia: boolean;
  media: MediaInfo | null;
  mentions: string[];
  mentionNames: Record<string, string>;
  quotedMessageId: string | null;
  timestamp: number;
  createdAt: number;
  ackLevel: number;
  status: MessageStatus;
  error: string | null;
  edited: boolean;
  deleted: boolean;
  location?: MessageLocation;
  contacts?: MessageContactCard[];
  poll?: MessagePoll;
  /** Reactions to this message, one per person (newest first). */
  reactions?: MessageReaction[];
}

export interface Page<T> {
  data: T[];
  nextCursor: string | null;
}

/**
 * One message as the WhatsApp mapper produces it, before it is stored. Every adapter goes through
 * the same mapper (src-main/whatsapp/mapper.ts), so this is the single shape ingestion writes.
 */
export interface MessageRecord {
  waMessageId: string;
  /** Canonical chat JID (phone form for people when known, @g.us for groups, @newsletter for channels). */
  chatJid: string;
  fromMe: boolean;
  senderJid: string | null;
  senderLid: string | null;
  senderName: string | null;
  type: MessageType;
  body: string;
  media: MediaInfo | null;
  mentions: string[];
  mentionNames: Record<string, string>;
  quotedMessageId: string | null;
  /** WhatsApp's timestamp in epoch ms. */
  timestamp: number;
  ackLevel: number;
  error: string | null;
  edited: boolean;
  deleted: boolean;
  /** True for a CIPHERTEXT placeholder that real content will replace. */
  placeholder: boolean;
  /** Text only search reads (messages.search_text): poll options, names of shared contacts. Optional: null when absent. */
  searchText?: string | null;
  /** The raw WebMessageInfo serialised with BufferJSON (for getMessage and replies); null when not kept. */
  raw: string | null;
}

/** GET /sessions/{s}/chats/{cid}/coverage: what the archive holds of one chat. */
export interface ChatCoverage {
  chatJid: string;
  oldestMessageId: string | null;
  oldestMessageAt: number | null;
  newestMessageAt: number | null;
  count: number;
  /** True when the phone said nothing older exists (the stored copy starts where the chat starts) and no gap is left. */
  complete: boolean;
  /**
   * Holes between the stretches held without one (src-main/app/history-gaps.ts), oldest first: the newest
   * message before the hole (`after`, at `from` epoch ms) and the oldest after it (`before`, at `to`).
   */
  gaps: { after: string; before: string; from: number; to: number }[];
}

/** POST /sessions/{s}/chats/{cid}:backfill (202): what the phone was asked for. */
export interface BackfillRequest {
  chatJid: string;
  /** The message the phone is asked to go back from (null: the chat has no stored message). */
  beforeMessageId: string | null;
  count: number;
}

/** GET /audit: one MCP tool call. */
export interface AuditEntry {
  id: string;
  at: number;
  principal: string;
  transport: 'stdio' | 'http';
  tool: string;
  /** The call's arguments as JSON (cut after 4 KiB). */
  arguments: string;
  resultBytes: number;
  outcome: 'ok' | 'error';
  errorCode: string | null;
  durationMs: number;
}

/** A group member's rank (Baileys' `admin`, history sync's GroupParticipant.rank). */
export type GroupRole = 'member' | 'admin' | 'superadmin';
export const GROUP_ROLES: readonly GroupRole[] = ['member', 'admin', 'superadmin'];

/** One participant as WhatsApp describes them: the JID it addresses them by, and the other form when given. */
export interface GroupParticipantRecord {
  jid: string;
  lid: string | null;
  pn: string | null;
  role: GroupRole;
}

/**
 * Group metadata as the WhatsApp side hands it on (Baileys' GroupMetadata, groups.update, history sync's
 * conversation). `undefined` = not said (a partial update keeps what is stored); `participants` given = the whole list.
 */
export interface GroupMetadataRecord {
  jid: string;
  subject?: string | null | undefined;
  description?: string | null | undefined;
  owner?: string | null | undefined;
  /** Epoch ms. */
  createdAt?: number | null | undefined;
  participants?: GroupParticipantRecord[] | undefined;
}

/** GET /sessions/{s}/groups/{jid}. */
export interface GroupInfo {
  jid: string;
  subject: string | null;
  description: string | null;
  owner: string | null;
  createdAt: number | null;
  participants: { jid: string; lid: string | null; name: string; role: GroupRole }[];
}

/** GET /sessions/{s}/contacts: one person the archive knows. */
export interface ContactInfo {
  /** Phone-number JID when known, else the LID. */
  jid: string;
  lid: string | null;
  /** Digits with country code, when known. */
  phoneNumber: string | null;
  /** Saved (address book) name. */
  name: string | null;
  pushName: string | null;
  verifiedName: string | null;
  /** Ours: the name to show (saved > push > verified > formatted phone number; never a bare LID). */
  displayName: string;
}
