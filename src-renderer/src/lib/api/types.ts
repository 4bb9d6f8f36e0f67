/**
 * Shapes of the gateway's HTTP API (API.md). The domain objects and the realtime event map are the main
 * process's own types, imported through the `@core` alias (src-main/core, see src-renderer/vite.config.ts), so
 * the UI, the API and every event producer cannot drift apart silently.
 */
export type {
  Capability,
  Channel,
  Chat,
  MediaInfo,
  Message,
  MessageStatus,
  MessageType,
  Page,
  Session,
  SessionStatus,
  SyncState,
} from '@core/types.js';
export type { EventPayloads, RealtimeEventName, RealtimeFrame } from '@core/events.js';
export type { OpenDocumentRequest, OpenDocumentResult } from '@core/openable-documents.js';
import type { OpenDocumentRequest, OpenDocumentResult } from '@core/openable-documents.js';
import type { Capability, Message, Page, Session } from '@core/types.js';

/** Coverage of a chat, a backfill request (src-main/api/resources/history.ts), an audit row: the main process's own types. */
export type { AuditEntry, BackfillRequest, ChatCoverage } from '@core/types.js';
/** Issue 13: a group's metadata and participants, a contact. */
export type { ContactInfo as Contact, GroupInfo, GroupRole } from '@core/types.js';

export interface TokenGrant {
  token: string;
  /** Epoch ms (seconds and ISO strings are tolerated and normalised). */
  expiresAt: number;
  /** Browser sign-in only (POST /auth/login, /auth/refresh): single use, renews the JWT. */
  refreshToken?: string;
  refreshExpiresAt?: number;
}

export interface QrCodeGrant {
  code: string;
  expiresAt: number;
}

export interface PairingCodeGrant {
  code: string;
}

export interface SendResult {
  waMessageId: string;
  status: Message['status'];
  timestamp: number;
}

export interface ApiKeyInfo {
  id: string;
  name: string;
  prefix: string;
  capabilities: Capability[];
  createdAt: number;
  lastUsedAt: number | null;
  revokedAt?: number | null;
}

/** POST /keys answer: the key plus its secret, which is shown once and never again. */
export interface CreatedApiKey extends ApiKeyInfo {
  secret: string;
}

export interface RealtimeTicket {
  ticket: string;
  url: string;
  expiresAt: number;
}

export interface SandboxPresence {
  jid: string;
  state: string;
  at: number;
}

/** GET /sessions/{id}/sandbox (ours). */
export interface SandboxInfo {
  paired: boolean;
  waitingForPairing: boolean;
  /** False while the sandbox simulates an unreachable WhatsApp (POST .../sandbox:network). */
  reachable?: boolean;
  presence: SandboxPresence[];
  /** Messages the simulated account has "sent" to WhatsApp (a count, or the list of them). */
  sent: number | unknown[];
}

export interface SessionMe {
  connected: boolean;
  phoneNumber: string | null;
  sessionId: string;
  status: Session['status'];
  waJid: string | null;
  waLid: string | null;
}

/** What the Electron preload exposes as `window.wagw` (src-main/preload/api.ts). */
export interface WagwBridge {
  apiBase: string;
  getToken(): Promise<TokenGrant>;
  /** Opens an archived document with the OS default app (main fetches it through the media route). */
  openDocument(ref: OpenDocumentRequest): Promise<OpenDocumentResult>;
}

export type SessionAction = 'start' | 'stop' | 'restart' | 'logout';

/** The archive's additions to Message (API.md "The archive in use"), the main process's own types. */
export type {
  MediaState,
  MessageContactCard as ContactInfo,
  MessageLocation as LocationInfo,
  MessagePoll as PollInfo,
  MessageReaction as ReactionInfo,
} from '@core/types.js';
/** A message with the archive's details (location, contacts, poll, reactions, media state): Message itself. */
export type ArchivedMessage = Message;

/** GET /sessions/{session}/storage (src-main/api/schemas.ts StorageSchema). */
export interface StorageUsage {
  messages: number;
  mediaFiles: number;
  mediaBytes: number;
  databaseBytes: number;
  pending: number;
  failed: number;
  storageCapBytes: number | null;
  /** Set once media reaches 90 % of the cap. */
  warning: string | null;
}

export type MediaKindName = 'image' | 'video' | 'audio' | 'document' | 'sticker';

/** GET/PATCH /sessions/{session}/media-policy (src-main/api/schemas.ts MediaPolicySchema). */
export interface MediaPolicy {
  autoDownload: Record<MediaKindName, boolean>;
  maxBytes: Record<MediaKindName, number>;
  history: 'lazy' | 'auto';
  storageCapBytes: number | null;
}

/** GET /sessions/{s}/messages/search: one hit (the snippet is escaped text with <mark> around hits). */
export interface SearchHit {
  message: Message;
  chat: { jid: string; name: string | null; type: string };
  snippet: string;
}

/** Whether a search saw every stored message (`index` of the search answer; false while indexing). */
export interface SearchIndexState {
  complete: boolean;
  /** Stored messages not indexed yet (not findable). */
  pending: number;
}

/** GET /sessions/{s}/messages/search: a page of hits and the state of the index. */
export interface SearchPage extends Page<SearchHit> {
  index: SearchIndexState;
}

/** GET /sessions/{s}/messages/search/status: the background indexer's progress. */
export interface SearchIndexProgress {
  /** Messages stored before search existed, indexed so far (of `total`). */
  done: number;
  total: number;
  /** New or changed messages waiting to be indexed. */
  queued: number;
  finished: boolean;
}

/** A page of chat messages that may page newer too (`around`, or a prevCursor used as cursor). */
export interface WindowPage {
  data: Message[];
  nextCursor: string | null;
  prevCursor?: string | null;
}

export interface SearchQuery {
  q: string;
  chat?: string | undefined;
  type?: string | undefined;
  after?: number | undefined;
  before?: number | undefined;
  cursor?: string | null;
  limit?: number;
}

