/** Small request helpers shared by the resource modules: reading paging parameters, path params and bodies. */
import type { z } from 'zod';
import type { PageInput } from '../app/index.js';
import { AppError, ValidationError } from '../core/errors.js';
import { readJson } from './middleware/body.js';
import type { ApiContext } from './state.js';

export const DEFAULT_LIMIT = 50;
export const MAX_LIMIT = 200;

/** API.md: missing or 0 -> 50; clamped to 1..200 (so negative -> 1); not an integer -> 400. */
export function parseLimit(raw: unknown): number {
  if (raw === undefined || raw === '') return DEFAULT_LIMIT;
  if (typeof raw !== 'string' || !/^[+-]?\d{1,15}$/.test(raw.trim())) {
    throw new ValidationError('limit must be an integer', { field: 'limit', value: Array.isArray(raw) ? raw : String(raw) });
  }
  const n = Number(raw.trim());
  if (n === 0) return DEFAULT_LIMIT;
  return Math.min(MAX_LIMIT, Math.max(1, n));
}

/** `limit` and `cursor` of a listing; the app layer decodes the cursor against the listing it belongs to. */
export function pageOf(ctx: ApiContext): PageInput {
  const limit = parseLimit(ctx.query.limit);
  const cursor = ctx.query.cursor;
  if (cursor === undefined || cursor === '') return { limit };
  if (typeof cursor !== 'string') throw new ValidationError('cursor must be given once', { field: 'cursor' });
  return { limit, cursor };
}

/** A message listing's paging plus `around` (ours: a message id, given once; empty = absent). */
export function windowPageOf(ctx: ApiContext): PageInput & { around?: string | undefined } {
  const around = ctx.query.around;
  if (Array.isArray(around)) throw new ValidationError('around must be given once', { field: 'around' });
  return { ...pageOf(ctx), around: around === undefined || around === '' ? undefined : around };
}

/** A path parameter ('' when absent, which no lookup finds). */
export function param(ctx: ApiContext, name: string): string {
  return ctx.params[name] ?? '';
}

/**
 * Parses the JSON body with a schema; failures list the offending fields. `code` is `invalid_value` where
 * API.md answers a well-formed body with a bad value as 422 (presence); malformed JSON stays validation_error.
 */
export function parseBody<T extends z.ZodType>(
  ctx: ApiContext,
  schema: T,
  code: 'validation_error' | 'invalid_value' = 'validation_error',
): z.infer<T> {
  const raw = readJson(ctx);
  const result = schema.safeParse(raw === undefined ? {} : raw);
  if (!result.success) {
    const issues = result.error.issues.map((i) => ({ path: i.path.join('.') || '(body)', message: i.message }));
    const first = issues[0];
    throw new AppError(code, first ? `invalid request body: ${first.path}: ${first.message}` : 'invalid request body', { issues });
  }
  return result.data;
}

/** The body reader a service calls when its check order reaches the input. */
export function bodyOf<T extends z.ZodType>(
  ctx: ApiContext,
  schema: T,
  code: 'validation_error' | 'invalid_value' = 'validation_error',
): () => z.infer<T> {
  return () => parseBody(ctx, schema, code);
}

export function noContent(ctx: ApiContext): void {
  ctx.status = 204;
  ctx.body = null;
}
