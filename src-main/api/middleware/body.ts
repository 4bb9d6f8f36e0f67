import type { Middleware } from 'koa';
import { PayloadTooLargeError, UnsupportedMediaTypeError, ValidationError } from '../../core/errors.js';
import type { ApiContext, ApiState } from '../state.js';

export const BODY_LIMIT_BYTES = 64 * 1024;

/** Reads the request body (up to the limit) without parsing it: handlers parse when the check order allows. */
export function rawBody(limit = BODY_LIMIT_BYTES): Middleware<ApiState> {
  return async (ctx, next) => {
    if (ctx.method === 'GET' || ctx.method === 'HEAD' || ctx.method === 'OPTIONS') return next();
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
    await next();
  };
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
