/**
 * Strict schemas of the two media events (src-main/core/events.ts: MediaDownloadedPayload, MediaFailedPayload),
 * each typed against EventPayloads so the compiler rejects drift. The queue tests check every event the queue
 * publishes against them; they are written to join EVENT_SCHEMAS of the event contract test
 * (test/core/event-schemas.ts on main) with the media queue as their producer.
 */
import { z } from 'zod';
import type { EventPayloads } from '../../src-main/core/events.js';

type Check<T> = z.ZodType<T, unknown>;
const kind = z.enum(['image', 'video', 'audio', 'document', 'sticker']);

export const mediaDownloaded = z
  .object({
    chatJid: z.string().min(1),
    waMessageId: z.string().min(1),
    kind,
    sha256: z.string().regex(/^[0-9a-f]{64}$/),
    size: z.number().int().min(0),
    mimetype: z.string().nullable(),
  })
  .strict() satisfies Check<EventPayloads['media.downloaded']>;

export const mediaFailed = z
  .object({
    chatJid: z.string().min(1),
    waMessageId: z.string().min(1),
    kind,
    state: z.enum(['failed', 'expired']),
    error: z.string().min(1),
    attempts: z.number().int().min(1),
  })
  .strict() satisfies Check<EventPayloads['media.failed']>;

export const MEDIA_EVENT_SCHEMAS = { 'media.downloaded': mediaDownloaded, 'media.failed': mediaFailed } as const;
