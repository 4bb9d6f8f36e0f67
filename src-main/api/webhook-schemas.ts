/**
 * Zod schemas of the `/webhooks` routes (API.md "Integrations"): they shape-check the bodies and generate the
 * OpenAPI components Webhook, CreatedWebhook and WebhookDelivery. The finer rules (http(s) only, no
 * #fragment, known session ids) are the service's (src-main/webhooks/endpoints.ts), which answers 400 too.
 */
import { z } from 'zod';
import { EVENT_NAMES } from '../core/events.js';

const ms = z.number().int().describe('epoch milliseconds');
const EVENT_FILTER = z.enum(['*', ...EVENT_NAMES] as [string, ...string[]]);

export const WebhookSchema = z.object({
  id: z.string().describe('wh_<ULID>'),
  url: z.string(),
  events: z.array(EVENT_FILTER).describe('["*"] for every event, or the event names sent'),
  sessions: z.array(z.string()).nullable().describe('only events of these sessions; null for every session'),
  enabled: z.boolean(),
  description: z.string().nullable(),
  createdAt: ms,
  updatedAt: ms,
  health: z.object({
    lastSuccessAt: ms.nullable(),
    lastFailureAt: ms.nullable(),
    consecutiveFailures: z.number().int(),
    failingSince: ms.nullable().describe('first failure of the current failing streak'),
    disabledReason: z.string().nullable().describe('why the gateway disabled it (after 24 h of failures)'),
    disabledAt: ms.nullable(),
  }),
});

export const CreatedWebhookSchema = WebhookSchema.extend({
  secret: z.string().describe('whsec_...: shown only in this response (and by :rotate-secret)'),
});

export const WebhookDeliverySchema = z.object({
  id: z.string(),
  eventId: z.string().describe('the webhook-id header, stable across retries'),
  event: z.string(),
  attempt: z.number().int().describe('attempts made so far'),
  status: z.enum(['pending', 'succeeded', 'failed', 'dead']),
  httpStatus: z.number().int().nullable(),
  durationMs: z.number().int().nullable(),
  responseSnippet: z.string().nullable().describe('the first 1 KB of the response body'),
  error: z.string().nullable(),
  nextAttemptAt: ms.nullable(),
  createdAt: ms,
});

const url = z.string().min(1).max(2048).describe('http:// or https://; redirects are not followed');
const fields = {
  events: z.array(EVENT_FILTER).min(1).max(100).optional().describe('default ["*"]'),
  sessions: z.array(z.string().min(1).max(200)).min(1).max(100).nullable().optional().describe('default null: every session'),
  description: z.string().max(500).nullable().optional(),
  enabled: z.boolean().optional().describe('default true'),
};

export const CreateWebhookBody = z.object({ url, ...fields }).strict();
export const UpdateWebhookBody = z.object({ url: url.optional(), ...fields }).strict();
