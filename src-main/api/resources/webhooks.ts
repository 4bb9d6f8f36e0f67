/** Webhook endpoints and their delivery log (API.md "Integrations"); delivery itself is src-main/webhooks. */
import { principalOf } from '../middleware/auth.js';
import { bodyOf, noContent, pageOf, param } from '../http.js';
import { listOf, ref, type ApiRegistry } from '../openapi.js';
import type { ApiDeps } from '../ports.js';
import { ListQuery } from '../schemas.js';
import { CreateWebhookBody, UpdateWebhookBody } from '../webhook-schemas.js';

const TAG = 'Webhooks';
const ID = { id: 'The webhook id (wh_...). Another organization\'s webhook is not found.' };
const CONFLICT = { description: 'conflict: the webhook is disabled; enable it first', schema: ref('Error') };

export function registerWebhookRoutes(api: ApiRegistry, deps: ApiDeps): void {
  const { webhooks } = deps.app;

  api.add({
    method: 'get',
    path: '/webhooks',
    operationId: 'listWebhooks',
    summary: 'List webhook endpoints',
    description: 'With their health (last success, consecutive failures, why disabled); never the secret.',
    tag: TAG,
    access: 'manage',
    responses: { 200: { description: 'The organization\'s webhooks', schema: listOf('Webhook') } },
    handler(ctx) {
      ctx.body = webhooks.list(principalOf(ctx));
    },
  });

  api.add({
    method: 'post',
    path: '/webhooks',
    operationId: 'createWebhook',
    summary: 'Create a webhook endpoint',
    description:
      'Events are POSTed to `url` signed per Standard Webhooks. The `secret` (whsec_...) is in this response only. ' +
      'Invalid or non-http(s) URL, unknown event name or unknown session id: 400.',
    tag: TAG,
    access: 'manage',
    body: CreateWebhookBody,
    responses: { 201: { description: 'The new webhook with its secret', schema: ref('CreatedWebhook') } },
    handler(ctx) {
      const created = webhooks.create(principalOf(ctx), bodyOf(ctx, CreateWebhookBody));
      ctx.status = 201;
      ctx.set('Cache-Control', 'no-store');
      ctx.body = created;
    },
  });

  api.add({
    method: 'get',
    path: '/webhooks/{id}',
    operationId: 'getWebhook',
    summary: 'Get a webhook endpoint',
    tag: TAG,
    access: 'manage',
    pathParams: ID,
    responses: { 200: { description: 'The webhook', schema: ref('Webhook') } },
    handler(ctx) {
      ctx.body = webhooks.get(principalOf(ctx), param(ctx, 'id'));
    },
  });

  api.add({
    method: 'patch',
    path: '/webhooks/{id}',
    operationId: 'updateWebhook',
    summary: 'Update a webhook endpoint',
    description: 'Only the fields given change. `enabled: true` clears a disabled endpoint and resumes its deliveries.',
    tag: TAG,
    access: 'manage',
    pathParams: ID,
    body: UpdateWebhookBody,
    responses: { 200: { description: 'The webhook', schema: ref('Webhook') } },
    handler(ctx) {
      ctx.body = webhooks.update(principalOf(ctx), param(ctx, 'id'), bodyOf(ctx, UpdateWebhookBody));
    },
  });

  api.add({
    method: 'delete',
    path: '/webhooks/{id}',
    operationId: 'deleteWebhook',
    summary: 'Delete a webhook endpoint',
    description: 'Its pending deliveries are dropped with it.',
    tag: TAG,
    access: 'manage',
    pathParams: ID,
    responses: { 204: { description: 'Deleted' } },
    handler(ctx) {
      webhooks.delete(principalOf(ctx), param(ctx, 'id'));
      noContent(ctx);
    },
  });

  api.add({
    method: 'post',
    path: '/webhooks/{id}:rotate-secret',
    operationId: 'rotateWebhookSecret',
    summary: 'Rotate a webhook\'s secret (ours)',
    description: 'A new `secret`, in this response only; the old one stops signing at once.',
    tag: TAG,
    access: 'manage',
    pathParams: ID,
    responses: { 200: { description: 'The webhook with its new secret', schema: ref('CreatedWebhook') } },
    handler(ctx) {
      ctx.set('Cache-Control', 'no-store');
      ctx.body = webhooks.rotateSecret(principalOf(ctx), param(ctx, 'id'));
    },
  });

  api.add({
    method: 'post',
    path: '/webhooks/{id}:test',
    operationId: 'testWebhook',
    summary: 'Send a test event',
    description: 'Enqueues a `webhook.test` event for this endpoint only; its delivery is in the log.',
    tag: TAG,
    access: 'manage',
    pathParams: ID,
    responses: { 202: { description: 'The queued delivery', schema: ref('WebhookDelivery') }, 409: CONFLICT },
    handler(ctx) {
      ctx.status = 202;
      ctx.body = webhooks.test(principalOf(ctx), param(ctx, 'id'));
    },
  });

  api.add({
    method: 'get',
    path: '/webhooks/{id}/deliveries',
    operationId: 'listWebhookDeliveries',
    summary: 'List a webhook\'s deliveries',
    description: 'Newest first, cursor paged: one row per event with its latest attempt.',
    tag: TAG,
    access: 'manage',
    pathParams: ID,
    query: ListQuery,
    responses: { 200: { description: 'A page of deliveries', schema: listOf('WebhookDelivery') } },
    handler(ctx) {
      ctx.body = webhooks.deliveries(principalOf(ctx), param(ctx, 'id'), pageOf(ctx));
    },
  });

  api.add({
    method: 'post',
    path: '/webhooks/{id}/deliveries/{deliveryId}:retry',
    operationId: 'retryWebhookDelivery',
    summary: 'Retry a delivery',
    description: 'Sends that event again now, with the same `webhook-id`.',
    tag: TAG,
    access: 'manage',
    pathParams: { ...ID, deliveryId: 'The delivery id' },
    responses: { 202: { description: 'The requeued delivery', schema: ref('WebhookDelivery') }, 409: CONFLICT },
    handler(ctx) {
      ctx.status = 202;
      ctx.body = webhooks.retry(principalOf(ctx), param(ctx, 'id'), param(ctx, 'deliveryId'));
    },
  });
}
