import type { Middleware } from 'koa';
import { PayloadTooLargeError, UnsupportedMediaTypeError, ValidationError } from '../../core/errors.js';
import type { ApiContext, ApiState } from '../state.js';

export const BODY_LIMIT_BYTES = 64 * 1024;

/**
 * Reads the request body (up to the limit) without parsing it: handlers parse when the check order allows.
 * `deferred` names requests whose route reads its own, larger body after authentication (issue 13: media
 * sends, RouteDef.bodyLimit), so an unauthenticated caller never makes the gateway buffer megabytes.
 */
export function rawBody(limit = BODY_LIMIT_BYTES, deferred: (method: string, path: string) => boolean = () => false): Middleware<ApiState> {
  return async (ctx, next) => {
    if (ctx.method === 'GET' || ctx.method === 'HEAD' || ctx.method === 'OPTIONS') return next();
    if (deferred(ctx.method, ctx.path)) return next();
    await readBodyInto(ctx as ApiContext, limit);
    await next();
  };
}

/** Reads the whole body into ctx.state.rawBody, or 413 past the limit (before reading, when Content-Length says so). */
export async function readBodyInto(ctx: ApiContext, limit: number): Promise<void> {
  if (ctx.state.rawBody) return;
  const declared = Number(ctx.get('content-length') || 0);
  if (declared > limit) throw new PayloadTooLargeError(limit);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of ctx.req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) throw new PayloadTooLargeError(limit);
    chunks.push(chunk);
  }
  ctx.state.rawBody = Buffer.concat(chunks);
}

/** A route's own body reader (RouteDef.bodyLimit), run after authentication. */
export function routeBody(limit: number): Middleware<ApiState> {
  return async (ctx, next) => {
    await readBodyInto(ctx as ApiContext, limit);
    await next();
  };
}

/**
 * A multipart/form-data body (issue 13: media sends), parsed by Node's own fetch implementation (undici's
 * FormData parser; the body is already read and bounded). Text parts become strings (repeated names: a list),
 * file parts Files. Null when the body is not multipart.
 */
export async function readMultipart(ctx: ApiContext): Promise<Map<string, (string | File)[]> | null> {
  const type = ctx.get('content-type');
  if (!/^multipart\/form-data\s*;/i.test(type)) return null;
  const raw = ctx.state.rawBody ?? Buffer.alloc(0);
  let form: FormData;
  try {
    // A view of the same bytes (no copy), typed as the BodyInit both the Node and the DOM typings accept.
    const bytes = new Uint8Array(raw.buffer, raw.byteOffset, raw.byteLength) as Uint8Array<ArrayBuffer>;
    form = await new Response(bytes, { headers: { 'content-type': type } }).formData();
  } catch {
    throw new ValidationError('request body is not valid multipart/form-data', { field: 'body' });
  }
  const out = new Map<string, (string | File)[]>();
  for (const [name, value] of form.entries()) {
    const list = out.get(name) ?? [];
    list.push(value);
    out.set(name, list);
  }
  return out;
}

/** Parses the JSON body. An empty body is `undefined`; anything but application/json is 415; bad JSON is 400. */
export function readJson(ctx: ApiContext): unknown {
  const raw = ctx.state.rawBody;
  if (!raw || raw.length === 0) return undefined;
  const type = ctx.get('content-type');
  if (!/^application\/([\w.+-]+\+)?json\s*(;|$)/i.test(type)) throw new UnsupportedMediaTypeError(type || undefined);
  try {
    return JSON.parse(raw.toString('utf8'));
  } catch {
    throw new ValidationError('request body is not valid JSON', { field: 'body' });
  }
}
