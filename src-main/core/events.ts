/**
 * Realtime events: ONE typed map from event name to payload type (API.md "WS /realtime").
 * Producers (app services, session manager, ingestion, the WhatsApp adapter) publish through
 * `EventPublisher.publish`, whose payload type is checked against this map; the realtime hub stores every
 * event in the durable event log and fans it out. The renderer imports these same types through the
 * `@core` path alias, so a payload cannot drift between its producers and its readers.
 *
 * Payload builders live in core/event-payloads.ts (one place per shape).
 */
import type { Chat, Message, MessageStatus, Session, SyncState } from './types.js';

/** A session as the 'session.status' event carries it; `deleted: true` once the session is gone. */
export type SessionStatusPayload = Session & { deleted?: boolean };

export interface MessageStatusPayload {
  waMessageId: string;
  chatJid: string;
  ackLevel: number;
  status: MessageStatus;
  error: string | null;
  edited: boolean;
  deleted: boolean;
  /** The new text when `edited` (issue 13, additive): readers replace the body they show. */
  body?: string;
}

/** 'message.removed': a message left the stored copy ("delete for me"); WhatsApp still has it. */
export interface MessageRemovedPayload {
  chatJid: string;
  waMessageId: string;
}

export interface ChatDeletedPayload {
  /** The chat that is gone from the stored copy. */
  chatJid: string;
  /** Set when the chat was merged into another one (a LID chat into its phone-number chat). */
  mergedInto?: string;
}

export interface SyncProgressPayload {
  state: SyncState;
  progress: number;
  /** Set when the progress is that of one chat's backfill (POST /sessions/{s}/chats/{cid}:backfill). */
  chatJid?: string;
}

/** 'webhook.test': sent by POST /webhooks/{id}:test to that endpoint only (never to the event log). */
export interface WebhookTestPayload {
  endpointId: string;
  message: string;
}

/** 'webhook.disabled': an endpoint was switched off after failing for too long (src-main/webhooks/delivery-worker.ts). */
export interface WebhookDisabledPayload {
  endpointId: string;
  /** The endpoint's URL without credentials (user:password@ removed). */
  url: string;
  reason: string;
  failingSince: number | null;
  consecutiveFailures: number;
  disabledAt: number;
}

/** A message's media file is stored and verified (src-main/media/queue.ts). */
export interface MediaDownloadedPayload {
  chatJid: string;
  waMessageId: string;
  kind: 'image' | 'video' | 'audio' | 'document' | 'sticker';
  /** sha256 of the bytes (the ETag of GET .../media). */
  sha256: string;
  size: number;
  mimetype: string | null;
}

/** A message's media download gave up: 'expired' = WhatsApp no longer has it (re-upload refused). */
export interface MediaFailedPayload {
  chatJid: string;
  waMessageId: string;
  kind: 'image' | 'video' | 'audio' | 'document' | 'sticker';
  state: 'failed' | 'expired';
  error: string;
  attempts: number;
}

export interface EventPayloads {
  'auth.qr': { code: string; expiresAt: number };
  'session.status': SessionStatusPayload;
  message: Message;
  'message.status': MessageStatusPayload;
  'chat.deleted': ChatDeletedPayload;
  'sync.progress': SyncProgressPayload;
  'webhook.test': WebhookTestPayload;
  'webhook.disabled': WebhookDisabledPayload;
  'media.downloaded': MediaDownloadedPayload;
  'media.failed': MediaFailedPayload;
  // issue 13: sending and acting on messages
  'message.removed': MessageRemovedPayload;
  'chat.updated': Chat;
}

export type RealtimeEventName = keyof EventPayloads;

/** Every event name, for contract tests and filters (kept in step with EventPayloads by the type below). */
export const EVENT_NAMES = [
  'auth.qr',
  'session.status',
  'message',
  'message.status',
  'chat.deleted',
  'sync.progress',
  'webhook.test',
  'webhook.disabled',
  'media.downloaded',
  'media.failed',
  'message.removed',
  'chat.updated',
] as const satisfies readonly RealtimeEventName[];

// Fails to compile when EventPayloads gains a name that EVENT_NAMES lacks.
type MissingEventName = Exclude<RealtimeEventName, (typeof EVENT_NAMES)[number]>;
const _allNamesListed: MissingEventName extends never ? true : never = true;
void _allNamesListed;

/** One event of a given name as producers hand it to the publisher. */
export interface GatewayEventOf<E extends RealtimeEventName> {
  event: E;
  sessionId: string;
  organizationId: string;
  payload: EventPayloads[E];
}

/** Any event: a union discriminated by `event`, so a literal name fixes the payload type. */
export type GatewayEvent = { [K in RealtimeEventName]: GatewayEventOf<K> }[RealtimeEventName];

/** `publish({event: 'chat.deleted', ..., payload})` checks the payload against EventPayloads (a discriminated union). */
export interface EventPublisher {
  publish(event: GatewayEvent): void;
}

/** One WebSocket frame (and, later, one webhook body). */
export type RealtimeFrame<E extends RealtimeEventName = RealtimeEventName> = {
  [K in E]: {
    schema: 'v1';
    id: string;
    event: K;
    session: string;
    organization: string;
    timestamp: number;
    payload: EventPayloads[K];
  };
}[E];
