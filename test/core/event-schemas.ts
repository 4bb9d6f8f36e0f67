/**
 * One schema per realtime event, derived from the shared types of src-main/core/events.ts: domain objects use
 * the API's own component schemas (src-main/api/schemas.ts, the OpenAPI `Session` and `Message`), made strict so
 * a stray or renamed field fails; the small payloads are written here, each typed against EventPayloads so the
 * compiler rejects a schema that drifts from the type.
 */
import { z } from 'zod';
import { ChatSchema, MessageSchema, SessionSchema } from '../../src-main/api/schemas.js';
import { EVENT_NAMES, type EventPayloads, type RealtimeEventName } from '../../src-main/core/events.js';
import { ACK_STATUS, type MessageStatus, type SyncState } from '../../src-main/core/types.js';

const messageStatus = z.enum(ACK_STATUS as [MessageStatus, ...MessageStatus[]]);
const syncState = z.enum(['idle', 'syncing', 'paused', 'complete'] satisfies SyncState[]);

/** Payload schemas; `Check` makes each one's output assignable to the shared payload type. */
type Check<T> = z.ZodType<T, unknown>;

const qr = z.object({ code: z.string().min(1), expiresAt: z.number().int() }).strict() satisfies Check<EventPayloads['auth.qr']>;
const sessionStatus = SessionSchema.extend({ deleted: z.literal(true).optional() }).strict();
const message = MessageSchema.strict();
const status = z
  .object({
    waMessageId: z.string().min(1),
    chatJid: z.string().min(1),
    ackLevel: z.number().int().min(0).max(5),
    status: messageStatus,
    error: z.string().nullable(),
    edited: z.boolean(),
    deleted: z.boolean(),
    body: z.string().optional(),
  })
  .strict()
  .refine((p) => p.body === undefined || p.edited, 'body only with edited') satisfies Check<EventPayloads['message.status']>;
const messageRemoved = z.object({ chatJid: z.string().min(1), waMessageId: z.string().min(1) }).strict() satisfies Check<
  EventPayloads['message.removed']
>;
const chatUpdated = ChatSchema.strict();
const chatDeleted = z.object({ chatJid: z.string().min(1), mergedInto: z.string().min(1).optional() }).strict() satisfies Check<
  EventPayloads['chat.deleted']
>;
const syncProgress = z.object({ state: syncState, progress: z.number().int().min(0).max(100), chatJid: z.string().min(1).optional() }).strict() satisfies Check<
  EventPayloads['sync.progress']
>;

const webhookTest = z.object({ endpointId: z.string().min(1), message: z.string().min(1) }).strict() satisfies Check<
  EventPayloads['webhook.test']
>;
const webhookDisabled = z
  .object({
    endpointId: z.string().min(1),
    url: z.string().url().refine((u) => !/\/\/[^/]*@/.test(u), 'credentials in the URL'),
    reason: z.string().min(1),
    failingSince: z.number().int().nullable(),
    consecutiveFailures: z.number().int().min(1),
    disabledAt: z.number().int(),
  })
  .strict() satisfies Check<EventPayloads['webhook.disabled']>;

const mediaKind = z.enum(['image', 'video', 'audio', 'document', 'sticker']);

const mediaDownloaded = z
  .object({
    chatJid: z.string().min(1),
    waMessageId: z.string().min(1),
    kind: mediaKind,
    sha256: z.string().regex(/^[0-9a-f]{64}$/),
    size: z.number().int().min(0),
    mimetype: z.string().nullable(),
  })
  .strict() satisfies Check<EventPayloads['media.downloaded']>;

const mediaFailed = z
  .object({
    chatJid: z.string().min(1),
    waMessageId: z.string().min(1),
    kind: mediaKind,
    state: z.enum(['failed', 'expired']),
    error: z.string().min(1),
    attempts: z.number().int().min(1),
  })
  .strict() satisfies Check<EventPayloads['media.failed']>;

export const EVENT_SCHEMAS: { [E in RealtimeEventName]: z.ZodType } = {
  'auth.qr': qr,
  'session.status': sessionStatus,
  message,
  'message.status': status,
  'chat.deleted': chatDeleted,
  'sync.progress': syncProgress,
  'webhook.test': webhookTest,
  'webhook.disabled': webhookDisabled,
  'media.downloaded': mediaDownloaded,
  'media.failed': mediaFailed,
  'message.removed': messageRemoved,
  'chat.updated': chatUpdated,
};

// Every event name has a schema (a missing key fails to compile above; this guards the list itself).
if (EVENT_NAMES.some((name) => !(name in EVENT_SCHEMAS))) throw new Error('an event has no schema');

/** The schema's complaints about a payload, or [] when it conforms. */
export function payloadProblems(event: RealtimeEventName, payload: unknown): string[] {
  const result = EVENT_SCHEMAS[event].safeParse(payload);
  return result.success ? [] : result.error.issues.map((i) => `${i.path.join('.') || '(payload)'}: ${i.message}`);
}
