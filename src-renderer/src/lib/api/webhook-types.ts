/** Shapes of the `/webhooks` routes: the gateway's own types (src-main/core/webhooks.ts), plus the form's input. */
import type { WebhookEventFilter } from '@core/webhooks.js';

export type { CreatedWebhook, DeliveryStatus, Webhook, WebhookDelivery, WebhookHealth } from '@core/webhooks.js';

export interface WebhookInput {
  url: string;
  events: WebhookEventFilter[];
  sessions: string[] | null;
  description: string | null;
  enabled?: boolean;
}
