/**
 * Route registry: each route is declared once with its schemas and handler. The registry mounts it on the
 * Koa router and builds the OpenAPI 3.1 document from the same declarations.
 */
import type Router from '@koa/router';
import type { Middleware } from 'koa';
import { z } from 'zod';
import { routeBody } from './middleware/body.js';
import type { ApiContext } from './state.js';

export type JsonSchema = Record<string, unknown>;
export type HttpMethod = 'get' | 'post' | 'put' | 'patch' | 'delete';

export interface ResponseDef {
  description: string;
  schema?: JsonSchema;
  /** Media types other than (or besides) JSON: type -> schema (e.g. {type: 'string', format: 'binary'}). */
  content?: Record<string, JsonSchema>;
}

export interface RouteDef {
  method: HttpMethod;
  /** OpenAPI-style path relative to the API base, e.g. /sessions/{session}:start. */
  path: string;
  operationId: string;
  summary: string;
  description?: string;
  tag: string;
  /** Documentation of who may call it; enforcement is in the handler, in the documented check order. */
  access: 'public' | 'read' | 'send' | 'manage' | 'login+manage' | 'any';
  pathParams?: Record<string, string>;
  query?: z.ZodObject;
  body?: z.ZodType;
  bodyRequired?: boolean;
  /**
   * Issue 13: the route reads its own body, up to this many bytes, after authentication (media sends); every
   * other route's body is read before routing with the global 64 KiB limit (middleware/body.ts).
   */
  bodyLimit?: number;
  /** Request media types besides application/json (e.g. multipart/form-data), for the document. */
  bodyContent?: Record<string, JsonSchema>;
  responses: Record<number, ResponseDef>;
  handler: (ctx: ApiContext) => Promise<void> | void;
  /** 'root' routes live outside the API base (e.g. /healthz); default 'api'. */
  base?: 'api' | 'root';
}

export const toSchema = (schema: z.ZodType, io: 'input' | 'output' = 'output'): JsonSchema => {
  const s = z.toJSONSchema(schema, { target: 'draft-2020-12', io, unrepresentable: 'any' }) as JsonSchema;
  delete s.$schema;
  return s;
};

export const ref = (name: string): JsonSchema => ({ $ref: `#/components/schemas/${name}` });
export const listOf = (name: string): JsonSchema => ({
  type: 'object',
  required: ['data', 'nextCursor'],
  properties: { data: { type: 'array', items: ref(name) }, nextCursor: { type: ['string', 'null'] } },
  additionalProperties: false,
});

/** A page of messages; `prevCursor` (ours) only on `around` pages and pages reached with one (additive). */
export const messageWindowSchema: JsonSchema = {
  type: 'object',
  required: ['data', 'nextCursor'],
  properties: { data: { type: 'array', items: ref('Message') }, nextCursor: { type: ['string', 'null'] }, prevCursor: { type: ['string', 'null'] } },
  additionalProperties: false,
};

/** Koa/path-to-regexp form of an OpenAPI path: {x} -> :x, a literal ':' (custom actions) escaped. */
export function koaPath(openapiPath: string): string {
  return openapiPath.replace(/:/g, '\\:').replace(/\{(\w+)\}/g, ':$1');
}

const ACCESS_TEXT: Record<RouteDef['access'], string> = {
  public: 'Public: no credential needed.',
  read: 'Requires the `read` capability.',
  send: 'Requires the `send` capability.',
  manage: 'Requires the `manage` capability.',
  'login+manage': 'Requires a login JWT whose role carries `manage`; API keys get 403.',
  any: 'Any valid credential.',
};

const ERROR_TEXT: Record<number, string> = {
  400: 'validation_error: bad query, path, cursor, JSON or body field',
  401: 'unauthorized: no credential, or one that does not verify',
  403: 'forbidden: the credential lacks the capability',
  404: 'not_found: unknown session (or one of another organization), chat or channel',
  409: 'conflict',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  422: 'validation_error',
  429: 'rate_limited (Retry-After header)',
  501: 'not_implemented: the session has no live WhatsApp client',
};

export class ApiRegistry {
  readonly routes: RouteDef[] = [];
  private readonly components: Record<string, JsonSchema> = {};

  component(name: string, schema: z.ZodType): void {
    this.components[name] = toSchema(schema);
  }

  add(def: RouteDef): void {
    if (this.routes.some((r) => r.method === def.method && r.path === def.path)) {
      throw new Error(`route declared twice: ${def.method} ${def.path}`);
    }
    this.routes.push(def);
  }

  /** Mounts every route; non-public ones authenticate first (401 comes before everything else). */
  mount(apiRouter: Router, rootRouter: Router, authenticate: Middleware): void {
    for (const r of this.routes) {
      const router = r.base === 'root' ? rootRouter : apiRouter;
      const handler: Middleware = (ctx) => r.handler(ctx as unknown as ApiContext);
      const chain: Middleware[] = r.access === 'public' ? [] : [authenticate];
      if (r.bodyLimit !== undefined) chain.push(routeBody(r.bodyLimit) as Middleware);
      router[r.method](r.operationId, koaPath(r.path), ...chain, handler);
    }
  }

  /**
   * True for a request whose API route reads its own body (RouteDef.bodyLimit): the global reader leaves it alone.
   * `path` is relative to the API base.
   */
  readsOwnBody(method: string, path: string): boolean {
    this.ownBodyMatchers ??= this.routes
      .filter((r) => r.bodyLimit !== undefined && r.base !== 'root')
      .map((r) => ({
        method: r.method.toUpperCase(),
        regex: new RegExp(`^${r.path.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\\?\{\w+\}/g, '[^/]+')}$`),
      }));
    return this.ownBodyMatchers.some((m) => m.method === method && m.regex.test(path));
  }

  private ownBodyMatchers: { method: string; regex: RegExp }[] | undefined;

  document(info: { version: string; serverUrl: string; rootUrl: string }): JsonSchema {
    const paths: Record<string, Record<string, unknown>> = {};
    for (const r of this.routes) {
      const parameters: unknown[] = [];
      for (const [name, description] of Object.entries(r.pathParams ?? {})) {
        parameters.push({ name, in: 'path', required: true, description, schema: { type: 'string' } });
      }
      if (r.query) {
        for (const [name, schema] of Object.entries(r.query.shape)) {
          const s = toSchema(schema as z.ZodType, 'input');
          const description = s.description;
          delete s.description;
          parameters.push({ name, in: 'query', required: false, description, schema: s });
        }
      }
      const responses: Record<string, unknown> = {};
      for (const [status, res] of Object.entries(r.responses)) {
        const content: Record<string, { schema: JsonSchema }> = {};
        if (res.schema) content['application/json'] = { schema: res.schema };
        for (const [type, schema] of Object.entries(res.content ?? {})) content[type] = { schema };
        responses[status] = Object.keys(content).length ? { description: res.description, content } : { description: res.description };
      }
      const errorStatuses = new Set<number>([400, 404]);
      if (r.access !== 'public') [401, 403, 429].forEach((s) => errorStatuses.add(s));
      if (r.body) [413, 415].forEach((s) => errorStatuses.add(s));
      for (const s of errorStatuses) {
        if (!responses[s]) {
          responses[s] = {
            description: ERROR_TEXT[s] ?? 'error',
            content: { 'application/json': { schema: ref('Error') } },
          };
        }
      }
      const op: Record<string, unknown> = {
        operationId: r.operationId,
        summary: r.summary,
        description: [r.description, ACCESS_TEXT[r.access]].filter(Boolean).join('\n\n'),
        tags: [r.tag],
        parameters,
        responses,
      };
      if (r.access === 'public') op.security = [];
      if (r.base === 'root') op.servers = [{ url: info.rootUrl }];
      if (r.body) {
        const content: Record<string, { schema: JsonSchema }> = { 'application/json': { schema: toSchema(r.body, 'input') } };
        for (const [type, schema] of Object.entries(r.bodyContent ?? {})) content[type] = { schema };
        op.requestBody = { required: r.bodyRequired ?? true, content };
      }
      (paths[r.path] ??= {})[r.method] = op;
    }
    return {
      openapi: '3.1.0',
      info: {
        title: 'WhatsApp Gateway Desktop API',
        version: info.version,
        description:
          'REST API of the local WhatsApp gateway. JSON in and out; timestamps are epoch milliseconds; JIDs in ' +
          'paths are percent-encoded (a raw @ works too). Errors: {"error":{"code","message","details"}}. ' +
          'Sessions with `sandbox: true` are simulated accounts, not real WhatsApp numbers.',
      },
      servers: [{ url: info.serverUrl }],
      security: [{ bearer: [] }, { apiKey: [] }],
      components: {
        securitySchemes: {
          bearer: {
            type: 'http',
            scheme: 'bearer',
            bearerFormat: 'JWT',
            description: 'A login JWT (a person) or an API key `wa_...` (a script).',
          },
          apiKey: { type: 'apiKey', in: 'header', name: 'x-api-key' },
        },
        schemas: this.components,
      },
      paths,
    };
  }
}
