import type { Middleware } from 'koa';
import { AppError } from '../../core/errors.js';
import type { ApiState } from '../state.js';

/**
 * DNS-rebinding defence: a page on evil.example that resolves to 127.0.0.1 still sends `Host: evil.example`.
 * Only the loopback names with our port (and any configured host) are answered. Requests from a browser
 * page of another origin are refused too, and no CORS headers are ever sent.
 */
export function hostGuard(
  allowedHosts: () => readonly string[],
  allowedOrigins: () => readonly string[],
): Middleware<ApiState> {
  return async (ctx, next) => {
    const host = (ctx.get('host') || '').toLowerCase();
    if (!allowedHosts().includes(host)) {
      throw new AppError('forbidden', 'host not allowed', { host });
    }
    const origin = ctx.get('origin');
    if (origin && origin !== 'null' && !allowedOrigins().includes(origin.toLowerCase())) {
      throw new AppError('forbidden', 'origin not allowed', { origin });
    }
    await next();
  };
}

/** The Host header values a gateway listening on host:port answers to. */
export function loopbackHosts(port: number, extra: readonly string[] = []): string[] {
  return [`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`, ...extra.map((h) => h.toLowerCase())];
}
