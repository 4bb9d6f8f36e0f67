/** API keys of the organization (ours): created, listed and revoked by a person with a login token. */
import type { Capability } from '../../core/types.js';
import { principalOf } from '../middleware/auth.js';
import { noContent, param, parseBody } from '../http.js';
import { ref, type ApiRegistry } from '../openapi.js';
import type { ApiDeps } from '../ports.js';
import { CreateKeyBody } from '../schemas.js';

export function registerKeyRoutes(api: ApiRegistry, deps: ApiDeps): void {
  const { keys } = deps.app;
  api.add({
    method: 'get',
    path: '/keys',
    operationId: 'listKeys',
    summary: 'List API keys',
    description: 'Prefix, capabilities, created and last used; never the secret.',
    tag: 'API keys',
    access: 'login+manage',
    responses: {
      200: {
        description: 'The organization\'s keys',
        schema: {
          type: 'object',
          required: ['data', 'nextCursor'],
          properties: { data: { type: 'array', items: ref('ApiKey') }, nextCursor: { type: 'null' } },
        },
      },
    },
    handler(ctx) {
      ctx.body = { data: keys.list(principalOf(ctx)), nextCursor: null };
    },
  });

  api.add({
    method: 'post',
    path: '/keys',
    operationId: 'createKey',
    summary: 'Create an API key',
    description: 'The secret `key` is in this response only; the gateway keeps just its hash.',
    tag: 'API keys',
    access: 'login+manage',
    body: CreateKeyBody,
    responses: { 201: { description: 'The new key with its secret', schema: ref('CreatedApiKey') } },
    handler(ctx) {
      const created = keys.create(principalOf(ctx), () => {
        const body = parseBody(ctx, CreateKeyBody);
        return { name: body.name, capabilities: body.capabilities as Capability[] };
      });
      ctx.status = 201;
      ctx.set('Cache-Control', 'no-store');
      ctx.body = created;
    },
  });

  api.add({
    method: 'delete',
    path: '/keys/{id}',
    operationId: 'revokeKey',
    summary: 'Revoke an API key',
    tag: 'API keys',
    access: 'login+manage',
    pathParams: { id: 'The key id' },
    responses: { 204: { description: 'Revoked' } },
    handler(ctx) {
      keys.revoke(principalOf(ctx), param(ctx, 'id'));
      noContent(ctx);
    },
  });
}
