/**
 * Webhook endpoints for a principal: the `/webhooks` routes (API.md "Integrations") call this, which checks
 * the `manage` capability first, then finds the endpoint in the caller's organization (another organization's
 * endpoint is not found), then reads the body: the documented check order (src-main/app/access.ts).
 * The delivery rules themselves live in src-main/webhooks/endpoints.ts.
 */
import type { CursorCodec } from '../core/cursor.js';
import type { Principal } from '../core/types.js';
import type { Store } from '../store/index.js';
import { createWebhookService, type WebhookDeliveryView, type WebhookEndpointView } from '../webhooks/endpoints.js';
import { requireCapability, type Input } from './access.js';
import type { PageInput, PageOf } from './paging.js';

export type { WebhookDeliveryView, WebhookEndpointView } from '../webhooks/endpoints.js';

/** The part of the delivery worker the service needs: a lane to look at its head again (re-enable). */
export interface WebhookWaker {
  wake(endpointId: string): void;
}

export type WebhooksService = ReturnType<typeof createWebhooksService>;

export function createWebhooksService(deps: { store: Store; cursors: CursorCodec; worker?: WebhookWaker; now?: () => number }) {
  const core = createWebhookService(deps);
  const org = (p: Principal) => requireCapability(p, 'manage').organizationId;
  return {
    list(p: Principal): PageOf<WebhookEndpointView> {
      return { data: core.list(org(p)), nextCursor: null };
    },
    /** The secret is in this answer only. */
    create(p: Principal, body: Input<unknown>): WebhookEndpointView & { secret: string } {
      const created = core.create(org(p), body());
      return { ...created.endpoint, secret: created.secret };
    },
    get(p: Principal, id: string): WebhookEndpointView {
      return core.get(org(p), id);
    },
    update(p: Principal, id: string, body: Input<unknown>): WebhookEndpointView {
      const o = org(p);
      core.get(o, id);
      return core.update(o, id, body());
    },
    delete(p: Principal, id: string): void {
      core.delete(org(p), id);
    },
    /** The new secret is in this answer only; the old one stops signing at once. */
    rotateSecret(p: Principal, id: string): WebhookEndpointView & { secret: string } {
      const rotated = core.rotateSecret(org(p), id);
      return { ...rotated.endpoint, secret: rotated.secret };
    },
    test(p: Principal, id: string): WebhookDeliveryView {
      return core.test(org(p), id);
    },
    deliveries(p: Principal, id: string, page: PageInput): PageOf<WebhookDeliveryView> {
      return core.deliveries(org(p), id, { limit: page.limit, cursor: page.cursor ?? null });
    },
    retry(p: Principal, id: string, deliveryId: string): WebhookDeliveryView {
      return core.retry(org(p), id, deliveryId);
    },
  };
}
