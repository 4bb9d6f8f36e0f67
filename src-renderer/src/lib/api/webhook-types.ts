/** Shapes of the `/webhooks` routes (API.md "Integrations"; the OpenAPI components Webhook, CreatedWebhook, WebhookDelivery). */
import type { RealtimeEventName } from '@core/events.js';

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
  events: ('*' | RealtimeEventName)[];
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

export type DeliveryStatus = 'pending' | 'succeeded' | 'failed' | 'dead';

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

export interface WebhookInput {
  url: string;
  events: ('*' | RealtimeEventName)[];
  sessions: string[] | null;
  description: string | null;
  enabled?: boolean;
}
