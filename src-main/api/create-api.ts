/**
 * createApi(deps) -> a Koa app. It never listens: the gateway (or a test) mounts app.callback() on an
 * HTTP server on loopback. Middleware order: request id -> error envelope -> host/origin guard ->
 * body reader -> routes (public ones, or authenticate then handler) -> UI files -> 404.
 */
import Router from '@koa/router';
import Koa from 'koa';
import { randomUUID } from 'node:crypto';
import { authenticate } from './middleware/auth.js';
import { clientAddressMiddleware } from './middleware/client-address.js';
import { rawBody } from './middleware/body.js';
import { errorMiddleware } from './middleware/errors.js';
import { hostGuard } from './middleware/host-guard.js';
import { ApiRegistry, type JsonSchema } from './openapi.js';
import type { ApiDeps } from './ports.js';
import { registerAuditRoutes } from './resources/audit.js';
import { registerAuthRoutes, type LoginSubject } from './resources/auth.js';
import { registerChannelRoutes } from './resources/channels.js';
import { registerChatRoutes } from './resources/chats.js';
import { registerExportRoutes } from './resources/export.js';
import { registerHistoryRoutes } from './resources/history.js';
import { registerKeyRoutes } from './resources/keys.js';
import { registerMediaRoutes } from './resources/media.js';
import { registerMcpRoutes } from './resources/mcp.js';
import { registerMessageRoutes } from './resources/messages.js';
import { registerPeopleRoutes } from './resources/people.js';
import { registerMetaRoutes } from './resources/meta.js';
import { registerRealtimeRoutes } from './resources/realtime.js';
import { registerSearchRoutes } from './resources/search.js';
import { registerSessionRoutes } from './resources/sessions.js';
import { registerWebhookRoutes } from './resources/webhooks.js';
import {
  ApiKeySchema,
  AuditEntrySchema,
  ChannelSchema,
  ChatSchema,
  ContactSchema,
  CreatedApiKeySchema,
  GroupSchema,
  ErrorSchema,
  MessageSchema,
  SessionSchema,
} from './schemas.js';
import type { ApiState } from './state.js';
import { sendFile } from './static.js';
import { CreatedWebhookSchema, WebhookDeliverySchema, WebhookSchema } from './webhook-schemas.js';

export const API_PREFIX = '/api/v1';
export const API_VERSION = '1.0.0';

export interface ApiOptions {
  /** Origin of the gateway as seen by clients, e.g. http://127.0.0.1:7480 (read lazily: port 0 resolves late). */
  origin: () => string;
  /** The person a login link logs in as. */
  owner: () => LoginSubject;
}

export interface GatewayApi {
  app: Koa<ApiState>;
  registry: ApiRegistry;
  apiRouter: Router;
  rootRouter: Router;
  openapi(): JsonSchema;
}

/**
 * The UI's CSP: scripts and styles only from us, connections only to us (HTTP and the realtime socket).
 * Media bytes are fetched with the bearer token and shown through blob: URLs (an <img> cannot send the
 * Authorization header), hence blob: for images and media.
 */
export function uiContentSecurityPolicy(origin: string): string {
  const ws = origin.replace(/^http/, 'ws');
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data: blob:",
    "media-src 'self' blob:",
    "font-src 'self'",
    `connect-src 'self' ${origin} ${ws}`,
    "object-src 'none'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
    "form-action 'none'",
  ].join('; ');
}

export function createApi(deps: ApiDeps, options: ApiOptions): GatewayApi {
  const app = new Koa<ApiState>();
  app.proxy = false; // X-Forwarded-For is read only from trusted proxies (middleware/client-address.ts)
  app.silent = true; // errors are logged by our own middleware, once, with a request id

  const registry = new ApiRegistry();
  registry.component('Session', SessionSchema);
  registry.component('Chat', ChatSchema);
  registry.component('Channel', ChannelSchema);
  registry.component('Message', MessageSchema);
  registry.component('ApiKey', ApiKeySchema);
  registry.component('CreatedApiKey', CreatedApiKeySchema);
  registry.component('Error', ErrorSchema);
  registry.component('Webhook', WebhookSchema);
  registry.component('CreatedWebhook', CreatedWebhookSchema);
  registry.component('WebhookDelivery', WebhookDeliverySchema);
  registry.component('AuditEntry', AuditEntrySchema);
  registry.component('Group', GroupSchema); // issue 13
  registry.component('Contact', ContactSchema); // issue 13

  let cachedDoc: JsonSchema | undefined;
  const openapi = () =>
    (cachedDoc ??= registry.document({
      version: API_VERSION,
      serverUrl: `${options.origin()}${API_PREFIX}`,
      rootUrl: options.origin(),
    }));

  registerSessionRoutes(registry, deps);
  registerChatRoutes(registry, deps);
  registerExportRoutes(registry, deps);
  registerHistoryRoutes(registry, deps);
  registerChannelRoutes(registry, deps);
  registerSearchRoutes(registry, deps);
  registerMessageRoutes(registry, deps);
  registerMediaRoutes(registry, deps);
  registerKeyRoutes(registry, deps);
  registerWebhookRoutes(registry, deps);
  registerRealtimeRoutes(registry, deps, () => options.origin().replace(/^http/, 'ws'));
  registerAuthRoutes(registry, deps, options.owner);
  registerMetaRoutes(registry, deps, openapi);
  registerAuditRoutes(registry, deps); // issue 12
  registerMcpRoutes(registry, deps); // issue 12
  registerPeopleRoutes(registry, deps); // issue 13: groups and contacts

  const apiRouter = new Router({ prefix: API_PREFIX });
  const rootRouter = new Router();
  registry.mount(apiRouter, rootRouter, authenticate(deps));

  app.use(async (ctx, next) => {
    ctx.state.requestId = randomUUID();
    ctx.set('X-Request-Id', ctx.state.requestId);
    ctx.set('X-Content-Type-Options', 'nosniff');
    ctx.set('Referrer-Policy', 'no-referrer');
    ctx.set('Cache-Control', 'no-store');
    await next();
  });
  app.use(errorMiddleware(deps.logger));
  app.use(clientAddressMiddleware(deps.trustedProxies ?? []));
  app.use(hostGuard(deps.allowedHosts, deps.allowedOrigins));
  app.use(
    rawBody(undefined, (method, path) => path.startsWith(`${API_PREFIX}/`) && registry.readsOwnBody(method, path.slice(API_PREFIX.length))),
  );
  app.use(apiRouter.routes());
  app.use(rootRouter.routes());

  const rendererDir = deps.rendererDir;
  if (rendererDir) {
    app.use(async (ctx, next) => {
      if (ctx.method !== 'GET' || ctx.path.startsWith(`${API_PREFIX}/`) || ctx.path === API_PREFIX) return next();
      const rel = ctx.path === '/' ? 'index.html' : ctx.path.slice(1);
      const hashed = rel.startsWith('assets/');
      if (sendFile(ctx as never, rendererDir, rel, hashed ? 31536000 : 0)) {
        if (rel.endsWith('.html')) ctx.set('Content-Security-Policy', uiContentSecurityPolicy(options.origin()));
        return;
      }
      return next();
    });
  }

  return { app, registry, apiRouter, rootRouter, openapi };
}
