import type { Middleware } from 'koa';
import type { Logger } from 'pino';
import { AppError, NotFoundError } from '../../core/errors.js';
import { httpErrorOf } from '../error-status.js';
import type { ApiState } from '../state.js';

function envelope(code: string, message: string, details: Record<string, unknown>) {
  return { error: { code, message, details } };
}

/**
 * Maps every failure to the error envelope. AppErrors get their status and wire code from api/error-status.ts; anything else is a bug:
 * logged with the request id, answered as 500 `internal` with nothing leaked.
 */
export function errorMiddleware(logger: Logger): Middleware<ApiState> {
  return async (ctx, next) => {
    try {
      await next();
      if (ctx.status === 404 && ctx.body === undefined) throw new NotFoundError('no such route', { path: ctx.path });
    } catch (err) {
      if (err instanceof AppError) {
        const http = httpErrorOf(err.code);
        ctx.status = http.status;
        ctx.set(err.headers);
        ctx.body = envelope(http.code, err.message, err.details);
        return;
      }
      // Koa/http-errors with an expose-able client status (e.g. a malformed URL) stay client errors.
      const status = (err as { status?: unknown }).status;
      if (typeof status === 'number' && status >= 400 && status < 500) {
        ctx.status = status === 404 ? 404 : 400;
        ctx.body = envelope(status === 404 ? 'not_found' : 'validation_error', 'bad request', {});
        return;
      }
      logger.error({ err, requestId: ctx.state.requestId, method: ctx.method, path: ctx.path }, 'unhandled error');
      ctx.status = 500;
      ctx.body = envelope('internal', 'internal error', { requestId: ctx.state.requestId });
    }
  };
}
