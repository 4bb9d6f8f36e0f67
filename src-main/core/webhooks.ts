/**
 * Shapes of the `/webhooks` routes (docs/API.md "Integrations"; the OpenAPI components Webhook, CreatedWebhook,
 * WebhookDelivery), shared by the gateway (webhooks/endpoints.ts builds them) and the renderer (through `@core`).
 */
import type { RealtimeEventName } from './events.js';

/** What an endpoint subscribes to: every event, or these names (validated against EVENT_NAMES on the way in). */
export type WebhookEventFilter = '*' | RealtimeEventName;

export interface WebhookHealth {
  lastSuccessAt: number | null;
  lastFailureAt: number | null;
  consecutiveFailures: number;
  failingSince: number | null;
  /** Why the gateway disabled it (after 24 h of failures); null when enabled or disabled by hand. */
  disabledReason: string | null;
  disabledAt: number | null;
}

export interface Webhook {
  id: string;
  url: string;
  /** ['*'] or event names. */
  events: WebhookEventFilter[];
  sessions: string[] | null;
  enabled: boolean;
  description: string | null;
  createdAt: number;
  updatedAt: number;
  health: WebhookHealth;
}

/** POST /webhooks and :rotate-secret answers: the only times the secret is shown. */
export interface CreatedWebhook extends Webhook {
  secret: string;
}

export type DeliveryStatus = 'pending' | 'failed' | 'succeeded' | 'dead';

export interface WebhookDelivery {
  id: string;
  eventId: string;
  event: string;
  attempt: number;
  status: DeliveryStatus;
  httpStatus: number | null;
  durationMs: number | null;
  responseSnippet: string | null;
  error: string | null;
  nextAttemptAt: number | null;
  createdAt: number;
}
